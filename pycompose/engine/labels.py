"""The labels Docker Compose v2 puts on what it creates (shared with Compose, both directions)."""

from __future__ import annotations

PROJECT = "com.docker.compose.project"
SERVICE = "com.docker.compose.service"
CONTAINER_NUMBER = "com.docker.compose.container-number"
ONEOFF = "com.docker.compose.oneoff"
CONFIG_HASH = "com.docker.compose.config-hash"
DEPENDS_ON = "com.docker.compose.depends_on"
IMAGE = "com.docker.compose.image"
WORKING_DIR = "com.docker.compose.project.working_dir"
CONFIG_FILES = "com.docker.compose.project.config_files"
ENVIRONMENT_FILE = "com.docker.compose.project.environment_file"
VERSION = "com.docker.compose.version"
NETWORK = "com.docker.compose.network"
VOLUME = "com.docker.compose.volume"
REPLACE = "com.docker.compose.replace"
SLUG = "com.docker.compose.slug"

#: The Compose version written into ``com.docker.compose.version``: pycompose behaves as this
#: release, and Compose tools read the label as a Compose version.
COMPOSE_VERSION = "2.40.3"


def project_filter(project: str) -> dict[str, list[str]]:
    return {"label": [f"{PROJECT}={project}"]}
