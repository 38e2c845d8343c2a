// Every screen: its path, its component and, for the main navigation, its label key. Add a
// screen (e.g. { path: '/campaigns', component: Campaigns, nav: 'campaigns' }) here and a
// label in i18n.js; the navigation and the router follow. `guest: true` marks the screens a
// guest may open (their communities, posts, people and notifications); any other shows them
// the not-found view, as the API answers them.
import { Home } from './screens/Home.jsx';
import { Profile } from './screens/Profile.jsx';
import { PostThread } from './screens/PostThread.jsx';
import { Communities } from './screens/Communities.jsx';
import { Community } from './screens/Community.jsx';
import { Search } from './screens/Search.jsx';
import { Notifications } from './screens/Notifications.jsx';
import { CompanyReports } from './screens/CompanyReports.jsx';
import { Campaign, Campaigns } from './screens/Campaigns.jsx';
import { Results } from './screens/Results.jsx';
import { Question, Questions } from './screens/Questions.jsx';
import { Quiz, Quizzes } from './screens/Quizzes.jsx';
import { Settings } from './screens/Settings.jsx';
import { AdminPeople } from './screens/AdminPeople.jsx';
import { Guests } from './screens/Guests.jsx';
import { AdminImport } from './screens/AdminImport.jsx';

export const routes = [
  { path: '/', component: Home, nav: 'home', guest: true },
  { path: '/communities', component: Communities, nav: 'communities', guest: true },
  { path: '/communities/:id', component: Community, section: 'communities', guest: true },
  { path: '/search', component: Search, nav: 'search' },
  { path: '/notifications', component: Notifications, nav: 'notifications', guest: true },
  { path: '/people/:user', component: Profile, section: 'profile', guest: true },
  { path: '/posts/:id', component: PostThread, section: 'home', guest: true },
  { path: '/tags/:tag', component: Search, section: 'search' },
  { path: '/campaigns', component: Campaigns, nav: 'campaigns' },
  { path: '/campaigns/:id', component: Campaign, section: 'campaigns' },
  { path: '/results', component: Results, section: 'campaigns' },
  { path: '/questions', component: Questions, nav: 'questions' },
  { path: '/questions/:id', component: Question, section: 'questions' },
  { path: '/quizzes', component: Quizzes, section: 'questions' },
  { path: '/quizzes/:id', component: Quiz, section: 'questions' },
  { path: '/reports', component: CompanyReports, section: 'communities' },
  { path: '/settings', component: Settings, section: 'settings', guest: true },
  { path: '/admin/people', component: AdminPeople, section: 'admin' },
  { path: '/admin/guests', component: Guests, section: 'communities' },
  { path: '/admin/import', component: AdminImport, section: 'profile' },
];

// The navigation: the "profile" entry links to the signed-in person's page.
export const navigation = ['home', 'communities', 'campaigns', 'questions', 'search', 'notifications', 'profile'];
// A guest's: nothing company-wide (no search, sales or questions across the company).
export const guestNavigation = ['home', 'communities', 'notifications', 'profile'];
