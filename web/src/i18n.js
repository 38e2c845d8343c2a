// English and French. The language comes from ?lang=en|fr (forced, and remembered), else the
// reader's earlier choice, else the browser's languages; <html lang> follows. Dates, numbers
// and amounts go through Intl in the reader's locale.
const en = {
  appName: 'Agora',
  skip: 'Skip to content',
  nav: 'Main',
  home: 'Home',
  communities: 'Communities',
  search: 'Search',
  notifications: 'Notifications',
  notificationsCount: 'Notifications ({count})',
  profile: 'Profile',
  signIn: 'Sign in',
  signOut: 'Sign out',
  signInTitle: 'Sign in to Agora',
  username: 'Username',
  password: 'Password',
  signInFailed: 'Wrong username or password.',
  language: 'Language',
  switchLanguage: 'Français',
  switchLanguageLabel: 'Lire en français',
  loading: 'Loading…',
  loadMore: 'Load more',
  noMore: 'You are all caught up.',
  empty: 'Nothing here yet.',
  error: 'Something went wrong: {message}',
  retry: 'Retry',
  live: 'Live updates on',
  liveOff: 'Live updates reconnecting…',
  newPosts: 'New posts arrived.',
  composerTitle: 'Share something',
  writePost: 'Write a post',
  post: 'Post',
  posting: 'Posting…',
  kind: 'Kind',
  kind_status: 'Status update',
  kind_question: 'Question',
  kind_announcement: 'Announcement',
  kind_deal_story: 'Deal story',
  deal: 'Deal',
  customer: 'Customer',
  sector: 'Sector',
  product: 'Product',
  region: 'Region',
  amount: 'Amount',
  currency: 'Currency',
  closedOn: 'Closed on',
  outcome: 'Outcome',
  outcome_won: 'Won',
  outcome_lost: 'Lost',
  outcome_open: 'Open',
  posted: 'Posted.',
  like: 'Like',
  likes: '{count} likes',
  reply: 'Reply',
  replies: '{count} replies',
  writeReply: 'Write a reply',
  sendReply: 'Send reply',
  report: 'Report',
  reportReason: 'Why are you reporting this post?',
  sendReport: 'Send report',
  reported: 'Reported to the moderators.',
  delete: 'Delete',
  deleted: 'Deleted.',
  pin: 'Pin',
  unpin: 'Unpin',
  pinned: 'Pinned',
  edited: 'edited',
  inCommunity: 'in {name}',
  postBy: 'Post by {name}',
  thread: 'Conversation',
  // People
  title: 'Title',
  team: 'Team',
  location: 'Location',
  manager: 'Manager',
  reports: 'Reports',
  directReports: 'Direct reports',
  orgChart: 'Org chart',
  skills: 'Skills',
  followers: '{count} followers',
  following: '{count} following',
  follow: 'Follow',
  unfollow: 'Unfollow',
  theirPosts: 'Posts',
  noManager: 'No manager: top of the company.',
  noReports: 'No direct reports.',
  // Communities
  searchCommunities: 'Search communities',
  visibility_open: 'Open',
  visibility_private: 'Private',
  visibility_secret: 'Secret',
  members: '{count} members',
  join: 'Join',
  requestToJoin: 'Request to join',
  requested: 'Request sent',
  leave: 'Leave',
  acceptInvitation: 'Accept invitation',
  invited: 'You are invited',
  role_member: 'Member',
  role_moderator: 'Moderator',
  role_owner: 'Owner',
  privateNotice: 'This community is private: only its members read its posts.',
  posts: 'Posts',
  membersTab: 'Members',
  moderation: 'Moderation',
  joinRequests: 'Join requests',
  approve: 'Approve',
  reject: 'Reject',
  reportsQueue: 'Reports',
  resolve: 'Resolve',
  action: 'Action',
  action_dismiss: 'Dismiss',
  action_remove_post: 'Remove the post',
  action_ban_author: 'Ban the author',
  note: 'Note',
  resolved: 'Resolved.',
  bans: 'Bans',
  banUser: 'Ban a member',
  ban: 'Ban',
  unban: 'Unban',
  reason: 'Reason',
  userToBan: 'Username to ban',
  invite: 'Invite',
  userToInvite: 'Username to invite',
  auditLog: 'Audit log',
  role: 'Role',
  remove: 'Remove',
  nothingOpen: 'Nothing to do.',
  createCommunity: 'Create a community',
  name: 'Name',
  description: 'Description',
  create: 'Create',
  visibility: 'Visibility',
  // Search
  searchLabel: 'Search',
  searchButton: 'Search',
  tabPosts: 'Posts',
  tabPeople: 'People',
  tabExperts: 'Experts',
  tabDeals: 'Deals',
  results: '{count} results',
  evidence: 'Evidence',
  showEvidence: 'Why {name}?',
  matchingSkills: 'Matching skills',
  matchingPosts: 'Posts',
  filters: 'Filters',
  clearFilters: 'Clear filters',
  score: 'score {score}',
  // Notifications
  markAllRead: 'Mark all as read',
  unreadOnly: 'Unread only',
  n_mention: '{actor} mentioned you',
  n_reply: '{actor} replied to you',
  n_reaction: '{actor} reacted to your post',
  n_reaction_many: '{actor} and {others} others reacted to your post',
  n_follow: '{actor} follows you',
  n_join_request: '{actor} asks to join {community}',
  n_invitation: '{actor} invited you to {community}',
  n_report: '{actor} reported a post in {community}',
  n_announcement: '{actor} made an announcement',
  n_other: '{actor}: {type}',
  unread: 'unread',
  notFound: 'Not found.',
  when: 'When',
  companyReports: 'Reports on company-wide posts',
  who: 'Who',
  target: 'Member',
  // Campaigns
  campaigns: 'Campaigns',
  resultsNav: 'Results',
  metric_won_amount: 'won amount',
  metric_won_count: 'deals won',
  metric_new_customers: 'new customers',
  metric_win_rate: 'win rate',
  teamOf: 'Team of {name}',
  noManager: 'No manager',
  rankSame: 'rank unchanged',
  rankUp: 'up {n}',
  rankDown: 'down {n}',
  progressOf: 'Progress to target: {name}',
  rank: 'Rank',
  name: 'Name',
  value: 'Value',
  progress: 'Progress',
  rankChange: 'Change today',
  you: '(you)',
  myStanding: 'Your standing: rank {rank}, {value}',
  tvView: 'TV view',
  closeTv: 'Close TV view',
  leaderboardBy: 'Leaderboard by',
  by_person: 'People',
  by_team: 'Teams',
  by_region: 'Regions',
  dealWon: '{owner} won {customer}: {amount}',
  monthlyResults: 'Monthly results',
  month: 'Month',
  resultsBy: 'Results by',
  res_region: 'Region',
  res_team: 'Team',
  res_product: 'Product',
  res_person: 'Person',
  wonAmount: 'Won amount',
  wonLost: 'Won / lost',
  winRate: 'Win rate',
  vsPrevious: 'vs previous month',
  chartTitle: 'Won amount, {month}',
};

const fr = {
  appName: 'Agora',
  skip: 'Aller au contenu',
  nav: 'Principale',
  home: 'Accueil',
  communities: 'Communautés',
  search: 'Recherche',
  notifications: 'Notifications',
  notificationsCount: 'Notifications ({count})',
  profile: 'Profil',
  signIn: 'Se connecter',
  signOut: 'Se déconnecter',
  signInTitle: 'Connexion à Agora',
  username: "Nom d'utilisateur",
  password: 'Mot de passe',
  signInFailed: "Nom d'utilisateur ou mot de passe incorrect.",
  language: 'Langue',
  switchLanguage: 'English',
  switchLanguageLabel: 'Read in English',
  loading: 'Chargement…',
  loadMore: 'Voir plus',
  noMore: 'Vous êtes à jour.',
  empty: 'Rien pour le moment.',
  error: 'Un problème est survenu : {message}',
  retry: 'Réessayer',
  live: 'Mises à jour en direct',
  liveOff: 'Reconnexion du direct…',
  newPosts: 'De nouvelles publications sont arrivées.',
  composerTitle: 'Partager',
  writePost: 'Écrire une publication',
  post: 'Publier',
  posting: 'Publication…',
  kind: 'Type',
  kind_status: 'Statut',
  kind_question: 'Question',
  kind_announcement: 'Annonce',
  kind_deal_story: 'Histoire de vente',
  deal: 'Affaire',
  customer: 'Client',
  sector: 'Secteur',
  product: 'Produit',
  region: 'Région',
  amount: 'Montant',
  currency: 'Devise',
  closedOn: 'Conclue le',
  outcome: 'Issue',
  outcome_won: 'Gagnée',
  outcome_lost: 'Perdue',
  outcome_open: 'En cours',
  posted: 'Publié.',
  like: "J'aime",
  likes: '{count} réactions',
  reply: 'Répondre',
  replies: '{count} réponses',
  writeReply: 'Écrire une réponse',
  sendReply: 'Envoyer la réponse',
  report: 'Signaler',
  reportReason: 'Pourquoi signalez-vous cette publication ?',
  sendReport: 'Envoyer le signalement',
  reported: 'Signalé aux modérateurs.',
  delete: 'Supprimer',
  deleted: 'Supprimé.',
  pin: 'Épingler',
  unpin: 'Désépingler',
  pinned: 'Épinglé',
  edited: 'modifié',
  inCommunity: 'dans {name}',
  postBy: 'Publication de {name}',
  thread: 'Conversation',
  title: 'Poste',
  team: 'Équipe',
  location: 'Site',
  manager: 'Responsable',
  reports: 'Équipe directe',
  directReports: 'Équipe directe',
  orgChart: 'Organigramme',
  skills: 'Compétences',
  followers: '{count} abonnés',
  following: '{count} abonnements',
  follow: 'Suivre',
  unfollow: 'Ne plus suivre',
  theirPosts: 'Publications',
  noManager: "Pas de responsable : sommet de l'entreprise.",
  noReports: 'Aucun collaborateur direct.',
  searchCommunities: 'Rechercher des communautés',
  visibility_open: 'Ouverte',
  visibility_private: 'Privée',
  visibility_secret: 'Secrète',
  members: '{count} membres',
  join: 'Rejoindre',
  requestToJoin: 'Demander à rejoindre',
  requested: 'Demande envoyée',
  leave: 'Quitter',
  acceptInvitation: "Accepter l'invitation",
  invited: 'Vous êtes invité',
  role_member: 'Membre',
  role_moderator: 'Modérateur',
  role_owner: 'Propriétaire',
  privateNotice: 'Cette communauté est privée : seuls ses membres lisent ses publications.',
  posts: 'Publications',
  membersTab: 'Membres',
  moderation: 'Modération',
  joinRequests: "Demandes d'adhésion",
  approve: 'Accepter',
  reject: 'Refuser',
  reportsQueue: 'Signalements',
  resolve: 'Traiter',
  action: 'Action',
  action_dismiss: 'Classer sans suite',
  action_remove_post: 'Retirer la publication',
  action_ban_author: "Bannir l'auteur",
  note: 'Note',
  resolved: 'Traité.',
  bans: 'Bannissements',
  banUser: 'Bannir un membre',
  ban: 'Bannir',
  unban: 'Lever le bannissement',
  reason: 'Motif',
  userToBan: "Nom d'utilisateur à bannir",
  invite: 'Inviter',
  userToInvite: "Nom d'utilisateur à inviter",
  auditLog: "Journal d'audit",
  role: 'Rôle',
  remove: 'Retirer',
  nothingOpen: 'Rien à traiter.',
  createCommunity: 'Créer une communauté',
  name: 'Nom',
  description: 'Description',
  create: 'Créer',
  visibility: 'Visibilité',
  searchLabel: 'Rechercher',
  searchButton: 'Rechercher',
  tabPosts: 'Publications',
  tabPeople: 'Personnes',
  tabExperts: 'Experts',
  tabDeals: 'Affaires',
  results: '{count} résultats',
  evidence: 'Preuves',
  showEvidence: 'Pourquoi {name} ?',
  matchingSkills: 'Compétences correspondantes',
  matchingPosts: 'Publications',
  filters: 'Filtres',
  clearFilters: 'Effacer les filtres',
  score: 'score {score}',
  markAllRead: 'Tout marquer comme lu',
  unreadOnly: 'Non lues seulement',
  n_mention: '{actor} vous a mentionné',
  n_reply: '{actor} vous a répondu',
  n_reaction: '{actor} a réagi à votre publication',
  n_reaction_many: '{actor} et {others} autres ont réagi à votre publication',
  n_follow: '{actor} vous suit',
  n_join_request: '{actor} demande à rejoindre {community}',
  n_invitation: '{actor} vous invite dans {community}',
  n_report: '{actor} a signalé une publication dans {community}',
  n_announcement: '{actor} a publié une annonce',
  n_other: '{actor} : {type}',
  unread: 'non lue',
  notFound: 'Introuvable.',
  when: 'Quand',
  companyReports: "Signalements des publications à toute l'entreprise",
  who: 'Qui',
  target: 'Membre',
  // Campaigns
  campaigns: 'Campagnes',
  resultsNav: 'Résultats',
  metric_won_amount: 'montant gagné',
  metric_won_count: 'affaires gagnées',
  metric_new_customers: 'nouveaux clients',
  metric_win_rate: 'taux de réussite',
  teamOf: 'Équipe de {name}',
  noManager: 'Sans responsable',
  rankSame: 'rang inchangé',
  rankUp: 'gagne {n} places',
  rankDown: 'perd {n} places',
  progressOf: "Progression vers l'objectif : {name}",
  rank: 'Rang',
  name: 'Nom',
  value: 'Valeur',
  progress: 'Progression',
  rankChange: "Évolution aujourd'hui",
  you: '(vous)',
  myStanding: 'Votre position : rang {rank}, {value}',
  tvView: 'Vue TV',
  closeTv: 'Fermer la vue TV',
  leaderboardBy: 'Classement par',
  by_person: 'Personnes',
  by_team: 'Équipes',
  by_region: 'Régions',
  dealWon: '{owner} a gagné {customer} : {amount}',
  monthlyResults: 'Résultats du mois',
  month: 'Mois',
  resultsBy: 'Résultats par',
  res_region: 'Région',
  res_team: 'Équipe',
  res_product: 'Produit',
  res_person: 'Personne',
  wonAmount: 'Montant gagné',
  wonLost: 'Gagnées / perdues',
  winRate: 'Taux de réussite',
  vsPrevious: 'vs mois précédent',
  chartTitle: 'Montant gagné, {month}',
};

const dictionaries = { en, fr };
const LANG_KEY = 'agora.lang';

function initialLang() {
  const forced = new URLSearchParams(location.search).get('lang');
  if (forced === 'en' || forced === 'fr') {
    localStorage.setItem(LANG_KEY, forced);
    return forced;
  }
  const saved = localStorage.getItem(LANG_KEY);
  if (saved === 'en' || saved === 'fr') return saved;
  for (const language of navigator.languages || [navigator.language || 'en']) {
    const base = String(language).toLowerCase().slice(0, 2);
    if (base === 'fr' || base === 'en') return base;
  }
  return 'en';
}

let lang = initialLang();
const listeners = new Set();
document.documentElement.lang = lang;

export function currentLang() {
  return lang;
}

export function setLang(value) {
  lang = value === 'fr' ? 'fr' : 'en';
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
  for (const listener of listeners) listener(lang);
}

export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function t(key, vars) {
  let text = dictionaries[lang][key] ?? en[key] ?? key;
  if (vars) {
    for (const [name, value] of Object.entries(vars)) {
      text = text.split(`{${name}}`).join(String(value));
    }
  }
  return text;
}

// The reader's locale, in the chosen language: fr-CA stays fr-CA, an English reader in France
// gets en-GB-ish formats from their browser's own region.
function locale() {
  for (const language of navigator.languages || []) {
    if (String(language).toLowerCase().startsWith(lang)) return language;
  }
  return lang === 'fr' ? 'fr-FR' : 'en-US';
}

export function formatDate(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatDay(iso) {
  if (!iso) return '';
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

export function formatNumber(value) {
  return new Intl.NumberFormat(locale()).format(value ?? 0);
}

export function formatAmount(amount, currency) {
  if (amount === undefined || amount === null) return '';
  try {
    return new Intl.NumberFormat(locale(), { style: 'currency', currency: currency || 'EUR' }).format(
      Number(amount),
    );
  } catch {
    return `${formatNumber(amount)} ${currency || ''}`.trim();
  }
}
