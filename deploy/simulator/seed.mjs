// Registers the fleet simulator's clinics and units through the services' public APIs and writes the units' broker
// passwords to the file the edge agent reads (SH_AGENT_CREDENTIALS_FILE, `unitId=password` lines).
// Runs before the simulator: docker-compose.yml's fleet-seed service, the edge-agent pod's init container in
// k8s/simulator. Plain Node (18 or newer), no packages. Safe to run again: existing clinics, units and resources
// are kept, and units whose password is already in the file are left alone.
//
//   SH_GATEWAY_URL, SH_BOOKING_URL             the services (http://device-gateway:8081, http://booking-service:8083)
//   SH_SECURITY_PEOPLE_SIGNING_KEY_LOCATION    PEM private key of the people key (kid "people"): fleet-admin is a
//                                              person's role, honoured only from that key (docs/security.md, "Tokens")
//   SH_SECURITY_ISSUER                         the issuer they accept
//   SH_SECURITY_PEOPLE_AUDIENCE                people's audience (default second-heart-staff)
//   SIM_UNITS, SIM_UNIT_PREFIX                 the agent's units: prefix + 4 digits, 1..SIM_UNITS (as the agent makes them)
//   SIM_CLINICS                                how many clinics the units are spread over (default 3)
//   SIM_CREDENTIALS_FILE                       where to write the passwords (0600, owned by SIM_CREDENTIALS_UID if set)
//   SIM_WAIT                                   how long to wait for the services to answer (default 300 s)
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === "") throw new Error(`${name} is not set`);
  return value;
};
const gateway = env("SH_GATEWAY_URL").replace(/\/$/, "");
const booking = env("SH_BOOKING_URL").replace(/\/$/, "");
const issuer = env("SH_SECURITY_ISSUER");
const audience = env("SH_SECURITY_PEOPLE_AUDIENCE", "second-heart-staff");
const signingKey = crypto.createPrivateKey(fs.readFileSync(env("SH_SECURITY_PEOPLE_SIGNING_KEY_LOCATION")));
const unitCount = Number(env("SIM_UNITS", "10"));
const prefix = env("SIM_UNIT_PREFIX", "unit-");
const clinicCount = Math.max(1, Math.min(Number(env("SIM_CLINICS", "3")), unitCount));
const credentialsFile = env("SIM_CREDENTIALS_FILE");
const credentialsUid = process.env.SIM_CREDENTIALS_UID;
const waitSeconds = Number(env("SIM_WAIT", "300"));
const log = (message) => console.log(`[fleet-seed] ${message}`);

const base64url = (data) => Buffer.from(data).toString("base64url");

/** A short-lived fleet-admin token: a person's, signed with the people key for people's audience, as a sign-in's. */
function token() {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "RS256", typ: "JWT", kid: "people" };
  const claims = { iss: issuer, aud: audience, sub: "fleet-seed", upn: "fleet-seed", groups: ["fleet-admin"], iat: now, exp: now + 600 };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = crypto.sign("RSA-SHA256", Buffer.from(input), signingKey);
  return `${input}.${base64url(signature)}`;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", authorization: `Bearer ${token()}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

function expectCreatedOrExisting(reply, what) {
  if (reply.status !== 201 && reply.status !== 200 && reply.status !== 409) {
    throw new Error(`could not create ${what}: HTTP ${reply.status} ${reply.text.slice(0, 300)}`);
  }
  return reply.status === 409 ? "existed" : "created";
}

async function waitFor(url) {
  const deadline = Date.now() + waitSeconds * 1000;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${waitSeconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** java.util.Properties: `key=value`, with \ escaped, and :, =, spaces escaped in keys. */
function readCredentials() {
  const map = new Map();
  if (!fs.existsSync(credentialsFile)) return map;
  for (const line of fs.readFileSync(credentialsFile, "utf8").split(/\r?\n/)) {
    const m = line.match(/^((?:\\.|[^=:\s\\])+)\s*[=:]\s*(.*)$/);
    if (!m || line.trimStart().startsWith("#")) continue;
    const unescape = (s) => s.replace(/\\(.)/g, "$1");
    map.set(unescape(m[1]), unescape(m[2]));
  }
  return map;
}

function writeCredentials(map) {
  const escapeKey = (s) => s.replace(/([\\:= ])/g, "\\$1");
  const escapeValue = (s) => s.replace(/\\/g, "\\\\").replace(/^ /, "\\ ");
  const text = "# Broker passwords of the simulated units (unitId=password), written by deploy/simulator/seed.mjs\n"
    + [...map].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${escapeKey(k)}=${escapeValue(v)}`).join("\n") + "\n";
  fs.mkdirSync(path.dirname(credentialsFile), { recursive: true });
  const temporary = `${credentialsFile}.tmp`;
  fs.writeFileSync(temporary, text, { mode: 0o600 });
  if (credentialsUid !== undefined && credentialsUid !== "") fs.chownSync(temporary, Number(credentialsUid), 0);
  fs.renameSync(temporary, credentialsFile);
}

async function main() {
  log(`waiting for ${gateway} and ${booking}`);
  await waitFor(`${gateway}/q/health/ready`);
  await waitFor(`${booking}/q/health/ready`);

  const days = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
  const clinics = Array.from({ length: clinicCount }, (_, i) => `sim-clinic-${i + 1}`);
  for (const [i, clinicId] of clinics.entries()) {
    const result = expectCreatedOrExisting(await post(`${booking}/clinics`, {
      clinicId,
      name: `Simulated clinic ${i + 1}`,
      timeZone: "UTC",
      openingHours: days.map((day) => ({ day, opens: "00:00", closes: "23:59" })),
    }), `clinic ${clinicId}`);
    log(`clinic ${clinicId}: ${result}`);
  }

  const credentials = readCredentials();
  const missing = [];
  for (let i = 1; i <= unitCount; i++) {
    const unitId = `${prefix}${String(i).padStart(4, "0")}`;
    const clinicId = clinics[(i - 1) % clinics.length];
    const reply = await post(`${gateway}/units`, { unitId, clinicId, model: "SH-Boot-5", zonesPerLeg: 5, firmware: "1.4.0" });
    const result = expectCreatedOrExisting(reply, `unit ${unitId}`);
    if (result === "created") {
      if (!reply.json?.mqttPassword) throw new Error(`the gateway registered ${unitId} but answered no mqttPassword`);
      credentials.set(unitId, reply.json.mqttPassword);
      writeCredentials(credentials);
    } else if (!credentials.has(unitId)) {
      missing.push(unitId);
    }
    expectCreatedOrExisting(await post(`${booking}/clinics/${clinicId}/resources`, {
      resourceId: `res-${unitId}`, type: "BOOT_UNIT", name: `Boots ${unitId}`, unitId,
    }), `boot unit resource ${unitId}`);
    log(`unit ${unitId} in ${clinicId}: ${result}`);
  }
  if (missing.length) {
    throw new Error(`${missing.join(", ")} were registered before, and their passwords (shown once, at registration) are not in `
      + `${credentialsFile}: decommission them (DELETE /units/{id}) or choose another SIM_UNIT_PREFIX`);
  }
  writeCredentials(credentials);
  log(`${unitCount} units in ${clinics.length} clinics; passwords in ${credentialsFile}`);
}

main().catch((e) => {
  console.error(`[fleet-seed] ${e.message}`);
  process.exit(1);
});
