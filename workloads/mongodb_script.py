"""The mongosh script the replica-set init Job runs. Pure: it only builds text.

Passwords never reach a command line: the script reads them from the mounted Secret files
(mongosh is a Node.js runtime, so `fs` is at hand) and hands them to `auth()` and
`createUser()` inside the shell process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# The application's user may read and write its own database, nothing else.
APP_ROLE = "readWrite"


@dataclass(frozen=True)
class ScriptFiles:
    """Where the Job mounts what the script reads."""

    root_username: str
    root_password: str
    app_username: str
    app_password: str
    ca: str


def replica_set_uri(members: list[str], replica_set: str, database: str = "", **options: str) -> str:
    """A TLS connection string for the whole set: it finds the primary wherever the election put it."""
    query = "&".join(f"{key}={value}" for key, value in {"replicaSet": replica_set, "tls": "true", **options}.items())
    return f"mongodb://{','.join(members)}/{database}?{query}"


# Membership as MongoDB allows changing it (mongodb.com/docs/manual/tutorial/remove-replica-set-member,
# "Reconfiguration Can Add or Remove No More than One Voting Member at a Time"): one member per
# reconfig, on the primary, each with the next config version; a new member's _id is above every
# _id in the config. A promotion grows the set after the StatefulSet has its new pods. A demotion
# is the other way round: the StatefulSet has already stopped the leaving members, so no majority
# and no primary remain; the surviving member then takes the smaller config with a forced
# reconfig (the documented way to recover a set that lost its majority; a demoted region serves
# no data). A primary that must leave steps down first and the Job's retry goes on. Pure
# functions of the config, so tests run them in Node.js (the runtime mongosh is built on).
MEMBERSHIP_JS = """
function membershipChanges(config, desired) {
  const have = config.members.map((member) => member.host);
  return {add: desired.filter((host) => !have.includes(host)), remove: have.filter((host) => !desired.includes(host))};
}
function withMember(config, host) {
  const next = Math.max(-1, ...config.members.map((member) => member._id)) + 1;
  const members = config.members.concat([{_id: next, host: host}]);
  return Object.assign({}, config, {version: config.version + 1, members: members});
}
function withoutMembers(config, hosts) {
  const members = config.members.filter((member) => !hosts.includes(member.host));
  return Object.assign({}, config, {version: config.version + 1, members: members});
}
function checked(admin) {
  return (body) => {
    const reply = admin.runCommand(body);
    if (!reply.ok) { throw new Error(JSON.stringify(reply)); }
    return reply;
  };
}
function reconcileMembers(direct, primaryAdmin, desired) {
  const local = checked(direct);
  const hello = local({hello: 1});
  const changes = membershipChanges(local({replSetGetConfig: 1}).config, desired);
  if (!changes.add.length && !changes.remove.length) { return changes; }
  if (!hello.primary) {
    if (changes.add.length) { throw new Error('no primary to add members on: the retry waits for an election'); }
    local({replSetReconfig: withoutMembers(local({replSetGetConfig: 1}).config, changes.remove), force: true});
    print('members removed by forced reconfig: ' + changes.remove.join(', '));
    return changes;
  }
  const command = checked(primaryAdmin());
  for (const host of changes.add) {
    command({replSetReconfig: withMember(command({replSetGetConfig: 1}).config, host)});
    print('member added: ' + host);
  }
  for (const host of changes.remove) {
    if (host === hello.primary) {
      command({replSetStepDown: 60});
      throw new Error('primary ' + host + ' leaves the set: stepped down, the retry goes on from the new primary');
    }
    command({replSetReconfig: withoutMembers(command({replSetGetConfig: 1}).config, [host])});
    print('member removed: ' + host);
  }
  return changes;
}
""".strip()


def init_script(members: list[str], replica_set: str, database: str, files: ScriptFiles) -> str:
    """Initiate the set once (a no-op when it runs), bring its members to `members` (a promotion
    from the standby count grows the set, a demotion shrinks it), then create or update the
    application user."""
    config = {"_id": replica_set, "members": [{"_id": index, "host": host} for index, host in enumerate(members)]}
    grant_roles = [{"role": APP_ROLE, "db": database}]
    return "\n".join(
        [
            "const read = (path) => fs.readFileSync(path, 'utf8').trim();",
            f"const root = {{user: read({_js(files.root_username)}), pwd: read({_js(files.root_password)})}};",
            "db.getSiblingDB('admin').auth(root.user, root.pwd);",
            "try { rs.status(); print('replica set already initiated'); }",
            "catch (e) { if (e.codeName !== 'NotYetInitialized') { throw e; }",
            f"  rs.initiate({json.dumps(config)}); }}",
            MEMBERSHIP_JS,
            f"const setUri = {_js(_primary_uri(members, replica_set, files.ca))};",
            "const connectPrimary = () => { const p = new Mongo(setUri); p.getDB('admin').auth(root.user, root.pwd); "
            "return p; };",
            # The shell's own connection is to one member directly: it answers without a primary.
            "reconcileMembers(db.getSiblingDB('admin'), () => connectPrimary().getDB('admin'), "
            f"{json.dumps(members)});",
            "const primary = connectPrimary();",
            f"const app = primary.getDB({_js(database)});",
            f"const name = read({_js(files.app_username)});",
            f"const grant = {{pwd: read({_js(files.app_password)}), roles: {json.dumps(grant_roles)}}};",
            "if (app.getUser(name)) { app.updateUser(name, grant); print('application user updated'); }",
            "else { app.createUser(Object.assign({user: name}, grant)); print('application user created'); }",
        ]
    )


def _primary_uri(members: list[str], replica_set: str, ca_file: str) -> str:
    # A fresh set takes some seconds to elect its first primary.
    return replica_set_uri(members, replica_set, tlsCAFile=ca_file, serverSelectionTimeoutMS="120000")


def _js(text: str) -> str:
    """A JavaScript string literal."""
    return json.dumps(text)
