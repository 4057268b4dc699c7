"""Check the deploy: section of site.yaml into DeploySettings, reporting every problem."""

from __future__ import annotations

import re
from typing import Any

from generator.errors import Problem
from generator.model import DeploySettings, DeployTarget, HeaderRule
from generator.schema import Field, Invalid, mapping, suggest, text, validate, whole
from generator.yamlload import Document

CONFIG_FILE = "site.yaml"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
# Words that give away a credential written where it would be committed and published.
_SECRET = re.compile(r"(?i)(secret|password|passwd|access_key|token)=|://[^/@\s]+:[^/@\s]+@")


def _count(value: Any) -> int:
    number = whole(value)
    if number < 0:
        raise Invalid("expected a whole number of at least 0")
    return number


def _remote(value: Any) -> str:
    remote = text(value).strip()
    if not remote:
        raise Invalid("expected an rclone remote such as 's3:bucket/site' or a folder path")
    if _SECRET.search(remote):
        raise Invalid("credentials never go in site.yaml; put them in rclone's config "
                      "(rclone config) or in RCLONE_CONFIG_<REMOTE>_… environment variables")
    return remote


def _branch(value: Any) -> str:
    branch = text(value).strip()
    if not branch or branch.startswith(("-", "/")) or ".." in branch or " " in branch:
        raise Invalid("expected a branch name such as gh-pages")
    return branch


def _header_list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise Invalid("expected a list of {match, cache_control} mappings")
    return value


DEPLOY_FIELDS = {"default": Field(text), "max_deletes": Field(_count),
                 "targets": Field(mapping), "headers": Field(_header_list)}
TARGET_FIELDS = {"remote": Field(_remote), "git": Field(_remote), "branch": Field(_branch)}
HEADER_FIELDS = {"match": Field(text, required=True), "cache_control": Field(text),
                 "content_type": Field(text)}


def deploy_settings(data: Any, doc: Document) -> tuple[DeploySettings, list[Problem]]:
    """Return the checked deploy: section (defaults when absent) and its problems."""
    if not isinstance(data, dict):
        return DeploySettings(), []  # validate() of site.yaml reported a non-mapping
    values, problems = validate(data, DEPLOY_FIELDS, doc, CONFIG_FILE, prefix=("deploy",))
    targets = []
    for name, spec in values.get("targets", {}).items():
        name = str(name)
        where = doc.line("deploy", "targets", name)
        if not _NAME.fullmatch(name):
            problems.append(Problem(CONFIG_FILE, where, f"deploy target name {name!r}: use "
                                    "letters, digits, '-', '_' or '.'"))
            continue
        if not isinstance(spec, dict):
            problems.append(Problem(CONFIG_FILE, where, f"'deploy.targets.{name}': expected "
                                    "{remote: …} or {git: …, branch: …}"))
            continue
        fields, found = validate(spec, TARGET_FIELDS, doc, CONFIG_FILE,
                                 prefix=("deploy", "targets", name))
        problems += found
        if found:
            continue
        if ("remote" in fields) == ("git" in fields):
            problems.append(Problem(CONFIG_FILE, where, f"'deploy.targets.{name}': give "
                                    "either remote (an rclone remote) or git (a repository)"))
        elif "branch" in fields and "remote" in fields:
            problems.append(Problem(CONFIG_FILE, where, f"'deploy.targets.{name}.branch' "
                                    "goes with git, not remote"))
        else:
            targets.append(DeployTarget(name, **fields))
    rules = []
    for index, item in enumerate(values.get("headers", [])):
        where = doc.line("deploy", "headers")  # list items have no line of their own
        if not isinstance(item, dict):
            problems.append(Problem(CONFIG_FILE, where, f"'deploy.headers[{index}]': expected "
                                    "{match: \"static/**\", cache_control: \"…\"}"))
            continue
        fields, found = validate(item, HEADER_FIELDS, doc, CONFIG_FILE,
                                 prefix=("deploy", "headers"))
        problems += found
        if not found:
            rules.append(HeaderRule(**fields))
    names = [t.name for t in targets]
    default = values.get("default", "")
    if default and default not in names and not problems:
        problems.append(Problem(CONFIG_FILE, doc.line("deploy", "default"),
                                f"'deploy.default': no target named {default!r}; "
                                + suggest(default, names).replace("allowed keys", "targets")))
    return DeploySettings(default or (names[0] if len(names) == 1 else ""),
                          values.get("max_deletes", 256), tuple(targets), tuple(rules)), problems
