// A small typed client over the types openapi-typescript generates from docs/openapi.yaml
// (check.sh puts them beside this file as agora.ts). It must compile with tsc --strict: the
// request bodies below send only what a client must, so a member with a documented default
// that turned required would fail here, and the answers read fields every client relies on.
import type { components, paths } from "./agora.js";

type Schemas = components["schemas"];

// Members with a default stay optional in requests.
const post: Schemas["NewPost"] = { text: "Shipped #release" };
const user: Schemas["NewUser"] = {
  username: "ana",
  display_name: "Ana",
  email: "ana@example.com",
  password: "correct-horse-1",
};
const reaction: Schemas["ReactionRequest"] = {};

type CreatePost = paths["/api/v1/posts"]["post"];
type CreatePostHeaders = NonNullable<CreatePost["parameters"]["header"]>;
type EditPost = paths["/api/v1/posts/{id}"]["patch"];
type EditPostHeaders = NonNullable<EditPost["parameters"]["header"]>;

// Retries and conditional requests are optional headers of the operations that take them.
const retry: CreatePostHeaders = { "Idempotency-Key": "3b9c2a1e" };
const noKey: CreatePostHeaders = {};
const edit: EditPostHeaders = { "If-Match": '"r3-0a1b2c"' };

type Created = CreatePost["responses"][201]["content"]["application/json"];
type Stale = EditPost["responses"][412]["content"]["application/json"];

function describe(created: Created, stale: Stale): string {
  const author: string = created.author.username;
  const code: string = stale.error.code;
  return `${created.id} by ${author}: ${created.text}; a stale edit answers ${code}`;
}

export const checked = { post, user, reaction, retry, noKey, edit, describe };
