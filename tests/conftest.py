"""Puts the collection on the import path as ansible_collections.noar.docker (./noar links it)."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS = os.path.join(ROOT, ".build", "collections")
if not os.path.isdir(os.path.join(COLLECTIONS, "ansible_collections", "noar", "docker")):
    # Under ansible-test the tree already sits at ansible_collections/noar/docker.
    COLLECTIONS = os.path.dirname(os.path.dirname(os.path.dirname(ROOT)))
if COLLECTIONS not in sys.path:
    sys.path.insert(0, COLLECTIONS)
