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


def init_script(members: list[str], replica_set: str, database: str, files: ScriptFiles) -> str:
    """Initiate the set once (a no-op when it runs), then create or update the application user."""
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
            f"const primary = new Mongo({_js(_primary_uri(members, replica_set, files.ca))});",
            "primary.getDB('admin').auth(root.user, root.pwd);",
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
