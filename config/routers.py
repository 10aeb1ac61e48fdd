"""Database routing: the primary ("default") for everything, the read replica ("replica") only
for reads of code marked as reporting (``common.db.read_replica`` / ``reads_from_replica``).

Without a replica alias (no ``DATABASE_REPLICA_URL``) the router changes nothing. Reads stay on
the primary inside a transaction on it, marked or not: the transaction may have written rows
the replica has not got (and never will, if it rolls back).
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from common.db import REPLICA, replica_reads

ALIASES = frozenset({DEFAULT_DB_ALIAS, REPLICA})


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            replica_reads()
            and REPLICA in settings.DATABASES
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        # Django would read an object's relations where the object came from: a cadre read in a
        # reporting block, used after it, reads its unit from the primary.
        instance = hints.get("instance")
        if instance is not None and instance._state.db == REPLICA:
            return DEFAULT_DB_ALIAS
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        if obj1._state.db in ALIASES and obj2._state.db in ALIASES:
            return True  # one database: the replica is a copy of the primary
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica receives the schema by replication
