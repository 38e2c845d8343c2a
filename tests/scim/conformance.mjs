// Independent validation of Agora's SCIM 2.0 service provider with scimmy (another SCIM
// implementation, from npm): starts `agora serve` on loopback with a fresh provisioning token,
// drives the requests Okta and Microsoft Entra ID send when they provision and deprovision
// people, and checks every request sent and every resource received against scimmy's schemas.
// Usage: node conformance.mjs PATH/TO/agora. Exit status 0 when everything validated.
import {spawn, execFileSync} from "node:child_process";
import {mkdtempSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import path from "node:path";
import assert from "node:assert/strict";
import SCIMMY from "scimmy";

const agora = process.argv[2];
if (!agora) {
  console.error("usage: node conformance.mjs PATH/TO/agora");
  process.exit(2);
}

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
SCIMMY.Schemas.User.extend(SCIMMY.Schemas.EnterpriseUser, false);

// Each check throws (a scimmy SCIMError or an assertion) on the first violation.
const checked = {requests: 0, resources: 0};
function validateUserIn(body) {
  new SCIMMY.Schemas.User(body, "in");
  checked.requests++;
}
function validatePatch(body) {
  new SCIMMY.Messages.PatchOp(body);
  checked.requests++;
}
function validateUserOut(resource) {
  const user = new SCIMMY.Schemas.User(resource, "out");
  assert.equal(user.id, resource.id);
  assert.equal(resource.meta.resourceType, "User");
  assert.ok(resource.meta.version, "meta.version");
  checked.resources++;
  return user;
}
function validateGroupIn(body) {
  new SCIMMY.Schemas.Group(body, "in");
  checked.requests++;
}
function validateGroupOut(resource) {
  const group = new SCIMMY.Schemas.Group(resource, "out");
  assert.equal(group.id, resource.id);
  assert.equal(resource.meta.resourceType, "Group");
  assert.ok(resource.meta.version, "meta.version");
  checked.resources++;
  return group;
}
function validateList(body, validateItem) {
  assert.deepEqual(body.schemas, ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]);
  assert.equal(typeof body.totalResults, "number");
  new SCIMMY.Messages.ListResponse(body.Resources, {totalResults: body.totalResults,
                                                    startIndex: body.startIndex,
                                                    itemsPerPage: body.itemsPerPage});
  for (const item of body.Resources) validateItem(item);
  checked.resources++;
}
function validateError(body, status, scimType) {
  assert.deepEqual(body.schemas, [SCIMMY.Messages.ErrorResponse.id]);
  assert.equal(body.status, String(status));
  if (scimType) assert.equal(body.scimType, scimType);
  // scimmy accepts the same error only with a status and scimType RFC 7644 allows.
  new SCIMMY.Messages.ErrorResponse({status, scimType, detail: body.detail});
  checked.resources++;
}

const data = mkdtempSync(path.join(tmpdir(), "agora-scim-"));
let server;
try {
  // The admin who owns the communities Groups make.
  execFileSync(agora, ["user", "add", "--data", data, "--username", "root", "--display-name",
                       "Root", "--email", "root@example.com", "--admin", "--password-cost", "minimum"],
               {input: "a long enough password\n", stdio: ["pipe", "ignore", "inherit"]});
  // After the store exists: agora refuses to make a token in a folder without one (a typo).
  const token = execFileSync(agora, ["scim-token", "create", "--data", data, "--name", "conformance"],
                             {stdio: ["ignore", "pipe", "ignore"]}).toString().trim();
  server = spawn(agora, ["serve", "--data", data, "--listen", "127.0.0.1:0", "--password-cost",
                         "minimum"], {stdio: ["ignore", "pipe", "inherit"]});
  const base = await new Promise((resolve, reject) => {
    let seen = "";
    server.stdout.on("data", (chunk) => {
      seen += chunk;
      const match = seen.match(/listening on (\S+)/);
      if (match) resolve(`http://${match[1]}/scim/v2`);
    });
    server.on("exit", (code) => reject(new Error(`agora serve exited with ${code}`)));
    setTimeout(() => reject(new Error("agora serve did not start")), 20000);
  });

  async function scim(method, target, body) {
    const response = await fetch(base + target, {
      method,
      headers: {"Authorization": `Bearer ${token}`, "Accept": "application/scim+json",
                ...(body ? {"Content-Type": "application/scim+json"} : {})},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (text) assert.match(response.headers.get("content-type"), /^application\/scim\+json/);
    return {status: response.status, body: text ? JSON.parse(text) : null};
  }
  const expect = (r, status) => assert.equal(r.status, status, JSON.stringify(r.body));

  // Discovery, as both IdPs read it when a connection is tested.
  let r = await scim("GET", "/ServiceProviderConfig");
  expect(r, 200);
  new SCIMMY.Schemas.ServiceProviderConfig(r.body);
  r = await scim("GET", "/ResourceTypes");
  expect(r, 200);
  validateList(r.body, (t) => new SCIMMY.Schemas.ResourceType(t));
  r = await scim("GET", "/Schemas");
  expect(r, 200);
  const userSchema = r.body.Resources.find((s) => s.id === SCIMMY.Schemas.User.id);
  const known = SCIMMY.Schemas.User.definition.attributes.map((a) => a.name.toLowerCase());
  for (const attribute of userSchema.attributes) {
    assert.ok(known.includes(attribute.name.toLowerCase()), `User attribute ${attribute.name}`);
  }

  // Okta: look the person up by userName, create them, read them back.
  r = await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "ada@example.com"')}&startIndex=1&count=100`);
  expect(r, 200);
  validateList(r.body, validateUserOut);
  assert.equal(r.body.totalResults, 0);
  const ada = {
    schemas: [SCIMMY.Schemas.User.id, ENTERPRISE],
    userName: "ada@example.com", externalId: "00u-ada",
    name: {givenName: "Ada", familyName: "Lovelace"},
    emails: [{primary: true, value: "ada@example.com", type: "work"}],
    displayName: "Ada Lovelace", title: "Engineer", active: true,
    addresses: [{type: "work", locality: "London"}],
    [ENTERPRISE]: {department: "Research", employeeNumber: "1815"},
  };
  validateUserIn(ada);
  r = await scim("POST", "/Users", ada);
  expect(r, 201);
  const adaId = validateUserOut(r.body).id;
  assert.equal(r.body[ENTERPRISE].department, "Research");
  r = await scim("POST", "/Users", ada);
  expect(r, 409);
  validateError(r.body, 409, "uniqueness");
  r = await scim("GET", `/Users/${adaId}`);
  expect(r, 200);
  validateUserOut(r.body);

  // Okta: a profile change as PUT, then deactivation as a no-path PATCH.
  const adaChanged = {...ada, title: "Principal Engineer",
                      [ENTERPRISE]: {department: "Research", employeeNumber: "1815"}};
  validateUserIn(adaChanged);
  r = await scim("PUT", `/Users/${adaId}`, adaChanged);
  expect(r, 200);
  assert.equal(validateUserOut(r.body).title, "Principal Engineer");
  const oktaDeactivate = {schemas: [SCIMMY.Messages.PatchOp.id],
                          Operations: [{op: "replace", value: {active: false}}]};
  validatePatch(oktaDeactivate);
  r = await scim("PATCH", `/Users/${adaId}`, oktaDeactivate);
  expect(r, 200);
  assert.equal(validateUserOut(r.body).active, false);

  // Entra ID: look up by externalId, create, then its own PATCH dialect.
  r = await scim("GET", `/Users?filter=${encodeURIComponent('externalId eq "8f0e-grace"')}`);
  expect(r, 200);
  validateList(r.body, validateUserOut);
  const grace = {
    schemas: [SCIMMY.Schemas.User.id, ENTERPRISE],
    externalId: "8f0e-grace", userName: "grace@example.com", active: true,
    displayName: "Grace Hopper",
    emails: [{primary: true, type: "work", value: "grace@example.com"}],
    name: {formatted: "Grace Hopper", familyName: "Hopper", givenName: "Grace"},
    [ENTERPRISE]: {department: "Navy", manager: {value: adaId}},
  };
  validateUserIn(grace);
  r = await scim("POST", "/Users", grace);
  expect(r, 201);
  const graceId = validateUserOut(r.body).id;
  const entraPatch = {schemas: [SCIMMY.Messages.PatchOp.id], Operations: [
    {op: "Replace", path: "title", value: "Rear Admiral"},
    {op: "Add", path: 'emails[type eq "work"].value', value: "grace.hopper@example.com"},
    {op: "Replace", path: `${ENTERPRISE}:department`, value: "Computing"},
    {op: "Replace", path: "active", value: "False"},
  ]};
  validatePatch(entraPatch);
  r = await scim("PATCH", `/Users/${graceId}`, entraPatch);
  expect(r, 200);
  const patched = validateUserOut(r.body);
  assert.equal(patched.active, false);
  assert.equal(patched.emails[0].value, "grace.hopper@example.com");
  assert.equal(r.body[ENTERPRISE].department, "Computing");
  assert.equal(r.body[ENTERPRISE].manager.value, adaId);

  // Errors an IdP meets, in SCIM's shape.
  r = await scim("GET", `/Users?filter=${encodeURIComponent("userName eq")}`);
  expect(r, 400);
  validateError(r.body, 400, "invalidFilter");
  r = await scim("PATCH", `/Users/${graceId}`, {schemas: [SCIMMY.Messages.PatchOp.id],
                                                 Operations: [{op: "remove"}]});
  expect(r, 400);
  validateError(r.body, 400, "noTarget");
  r = await scim("GET", "/Users/424242");
  expect(r, 404);
  validateError(r.body, 404);

  // Everyone, paged, then deprovisioning by DELETE.
  r = await scim("GET", "/Users?startIndex=1&count=1");
  expect(r, 200);
  validateList(r.body, validateUserOut);
  assert.equal(r.body.totalResults, 3);
  assert.equal(r.body.Resources.length, 1);

  // Groups. Okta pushes a group: looks it up by displayName, creates it with its members.
  r = await scim("GET", `/Groups?filter=${encodeURIComponent('displayName eq "Engineering"')}`);
  expect(r, 200);
  validateList(r.body, validateGroupOut);
  assert.equal(r.body.totalResults, 0);
  const engineering = {schemas: [SCIMMY.Schemas.Group.id], displayName: "Engineering",
                       externalId: "00g-eng", members: [{value: adaId}]};
  validateGroupIn(engineering);
  r = await scim("POST", "/Groups", engineering);
  expect(r, 201);
  const groupId = validateGroupOut(r.body).id;
  assert.deepEqual(r.body.members.map((m) => m.value), [adaId]);
  // Entra ID: looks up membership by id and member, without members in the answer.
  const lookUp = `id eq "${groupId}" and members[value eq "${graceId}"]`;
  r = await scim("GET", `/Groups?excludedAttributes=members&filter=${encodeURIComponent(lookUp)}`);
  expect(r, 200);
  validateList(r.body, validateGroupOut);
  assert.equal(r.body.totalResults, 0);
  // Entra ID's PATCH dialect: Add and Remove members with value arrays.
  const entraMembers = {schemas: [SCIMMY.Messages.PatchOp.id], Operations: [
    {op: "Add", path: "members", value: [{value: graceId}]},
    {op: "Remove", path: "members", value: [{value: adaId}]},
  ]};
  validatePatch(entraMembers);
  r = await scim("PATCH", `/Groups/${groupId}`, entraMembers);
  expect(r, 200);
  validateGroupOut(r.body);
  assert.deepEqual(r.body.members.map((m) => m.value), [graceId]);
  // Okta renames with a path-less replace that restates the id, removes by value filter.
  const oktaPatch = {schemas: [SCIMMY.Messages.PatchOp.id], Operations: [
    {op: "replace", value: {id: groupId, displayName: "Engineering and Research"}},
    {op: "remove", path: `members[value eq "${graceId}"]`},
    {op: "add", path: "members", value: [{value: adaId, display: "Ada Lovelace"}]},
  ]};
  validatePatch(oktaPatch);
  r = await scim("PATCH", `/Groups/${groupId}`, oktaPatch);
  expect(r, 200);
  assert.equal(validateGroupOut(r.body).displayName, "Engineering and Research");
  assert.deepEqual(r.body.members.map((m) => m.value), [adaId]);
  // PUT states the whole group.
  const replaced = {schemas: [SCIMMY.Schemas.Group.id], displayName: "Engineering",
                    externalId: "00g-eng", members: [{value: adaId}, {value: graceId}]};
  validateGroupIn(replaced);
  r = await scim("PUT", `/Groups/${groupId}`, replaced);
  expect(r, 200);
  validateGroupOut(r.body);
  assert.equal(r.body.members.length, 2);
  r = await scim("POST", "/Groups", replaced);
  expect(r, 409);
  validateError(r.body, 409, "uniqueness");
  r = await scim("GET", "/Groups?startIndex=1&count=10");
  expect(r, 200);
  validateList(r.body, validateGroupOut);
  assert.equal(r.body.totalResults, 1);
  r = await scim("DELETE", `/Groups/${groupId}`);
  expect(r, 204);
  r = await scim("GET", `/Groups/${groupId}`);
  expect(r, 404);
  validateError(r.body, 404);

  r = await scim("DELETE", `/Users/${graceId}`);
  expect(r, 204);

  console.log(`scimmy validated ${checked.requests} requests and ${checked.resources} responses`);
} finally {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on("exit", resolve));
    server.kill("SIGTERM");
    await exited;  // the data folder goes only once the server let go of it
  }
  rmSync(data, {recursive: true, force: true});
}
// Keep-alive sockets would hold the event loop open for seconds after the last request.
process.exit(0);
