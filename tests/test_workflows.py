"""The GitHub workflows: valid, and running the README's own commands.

* Both files validate against the GitHub workflow schema that check-jsonschema
  vendors (``--builtin-schema vendor.github-workflows``), run with every socket
  connection refused: the check works offline. A broken workflow fails it.
* ``test.yml`` runs the README's test command on every push and pull request,
  on the current Ubuntu runner with Python 3.11 and pip's cache keyed on
  requirements.txt; ``publish.yml`` runs the README's build command,
  ``make pdf`` and ``make bundle`` on pushes to main and deploys ``_build/html``
  with the official Pages actions. Neither names a package index.
* The publish step that writes the branch ``notebooks`` (for the launch
  buttons) is run for real on a copy of the repository, against a local bare
  repository standing in for GitHub.
"""

from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys

import pytest
import yaml
from book_copy import copy_sources
from conftest import CHAPTERS, PLACEHOLDER, ROOT
from sphinx_learner import NOTEBOOKS_BRANCH

WORKFLOWS = ROOT / ".github" / "workflows"

# check-jsonschema's command line with the network cut off: any connection
# attempt (DNS included) raises, and is reported on stderr.
OFFLINE_CHECK = """\
import socket, sys

def refuse(*args, **kwargs):
    sys.stderr.write(f"NETWORK ACCESS ATTEMPTED {args!r}\\n")
    raise OSError("network access is not allowed in this test")

socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from check_jsonschema import main
sys.argv[0] = "check-jsonschema"
main()
"""


def _workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    if True in data:
        data["on"] = data.pop(True)
    return data


def _readme_commands() -> tuple[str, str]:
    """The build and test commands of README's "Two commands on a fresh machine"."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Two commands on a fresh machine", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)[1]
    commands = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    assert len(commands) == 2, commands
    return commands[0], commands[1]


def _runs(job: dict) -> list[str]:
    return [step["run"].strip() for step in job["steps"] if "run" in step]


def _uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def _check(*files: pathlib.Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            OFFLINE_CHECK,
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_workflows_validate_offline_against_the_github_schema() -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["publish.yml", "test.yml"]
    proc = _check(*files)
    assert "NETWORK ACCESS ATTEMPTED" not in proc.stderr, proc.stderr
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"),  # misspelt key
        ("  push:\n", "  pushed:\n"),  # no such event
        ("      - name: make test\n        run: make test\n", "      - 42\n"),
    ],
)
def test_the_schema_check_rejects_a_broken_workflow(
    tmp_path: pathlib.Path, old: str, new: str
) -> None:
    text = (WORKFLOWS / "test.yml").read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / "test.yml"
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    proc = _check(broken)
    assert "NETWORK ACCESS ATTEMPTED" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Schema validation errors were encountered" in proc.stdout + proc.stderr


def _check_python_setup(job: dict) -> None:
    assert job["runs-on"] == "ubuntu-latest"
    setup = [s for s in job["steps"] if s.get("uses", "").startswith("actions/")]
    assert [s["uses"].split("@")[0] for s in setup[:2]] == [
        "actions/checkout",
        "actions/setup-python",
    ]
    python = setup[1]["with"]
    assert python == {
        "python-version": "3.11",
        "cache": "pip",
        "cache-dependency-path": "requirements.txt",
    }
    # The Makefile's venv accepts exactly this minor version.
    assert "v[:2] == (3, 11)" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_test_workflow_runs_the_readme_test_command() -> None:
    _, test_command = _readme_commands()
    assert test_command == "make test"
    workflow = _workflow("test.yml")
    assert set(workflow["on"]) >= {"push", "pull_request"}
    assert workflow["on"]["push"] is None, "every push, not only some branches"
    assert workflow["on"]["pull_request"] is None
    (job,) = workflow["jobs"].values()
    _check_python_setup(job)
    assert _runs(job) == [test_command]


def test_publish_workflow_builds_and_deploys_to_pages() -> None:
    build_command, _ = _readme_commands()
    assert build_command == "make book"
    workflow = _workflow("publish.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    assert workflow["permissions"] == {"contents": "read"}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    _check_python_setup(build)
    runs = _runs(build)
    assert runs[:3] == [build_command, "make pdf", "make bundle"]
    assert _uses(build)[-2:] == [
        "actions/configure-pages",
        "actions/upload-pages-artifact",
    ]
    upload = build["steps"][-1]
    assert upload["with"] == {"path": "_build/html"}
    # The branch notebooks; configure-pages reads the Pages settings.
    assert build["permissions"] == {"contents": "write", "pages": "read"}
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert _uses(deploy) == ["actions/deploy-pages"]
    # The targets exist, and the PDF and the zip land in the deployed folder.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("book", "pdf", "bundle"):
        assert re.search(rf"^{target}:", makefile, re.M), target
    assert (
        'SITE = ROOT / "_build" / "html"'
        in (ROOT / "tools" / "print_pdf.py").read_text()
    )
    bundle = (ROOT / "tools" / "bundle.py").read_text(encoding="utf-8")
    assert 'SITE = ROOT / "_build" / "html"' in bundle


def test_workflows_name_no_package_index() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f"{path.name} names a host"
        for word in ("index-url", "pypi", "pythonhosted", "npmjs", "registry"):
            assert word not in text.lower(), f"{path.name} names {word}"
        for step in [
            s
            for job in _workflow(path.name)["jobs"].values()
            for s in job["steps"]
            if "run" in s
        ]:
            assert "pip install" not in step["run"], "install through the Makefile"


# ------------------------------------------------- the branch `notebooks`


def _branch_step() -> str:
    steps = _workflow("publish.yml")["jobs"]["build"]["steps"]
    (step,) = [s for s in steps if "run" in s and "--branch-dir" in s["run"]]
    return step["run"]


def _repository_copy(tmp_path: pathlib.Path, url: str) -> pathlib.Path:
    """A commit of this working tree with ``url`` as repository.url, whose origin is
    a local bare repository (the GitHub of this test)."""
    copy = copy_sources(tmp_path / "repo", url)
    (copy / ".venv").symlink_to(ROOT / ".venv")
    origin = tmp_path / "origin.git"
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
    for command in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        ["commit", "-q", "-m", "the course"],
        ["remote", "add", "origin", str(origin)],
        ["push", "-q", "origin", "main"],
    ):
        subprocess.run([*git, *command], cwd=copy, check=True, capture_output=True)
    return copy


def _run_step(
    copy: pathlib.Path, tmp_path: pathlib.Path
) -> subprocess.CompletedProcess:
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir(parents=True)
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "VIRTUAL_ENV"))
    }
    env.update(RUNNER_TEMP=str(runner_temp), GITHUB_SHA=sha)
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", _branch_step()],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _git(repo: pathlib.Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def test_publish_pushes_the_learner_notebooks_to_their_branch(
    tmp_path: pathlib.Path,
) -> None:
    copy = _repository_copy(tmp_path, PLACEHOLDER)
    main_before = _git(copy, "rev-parse", "HEAD").strip()
    for attempt in (1, 2):  # the second push replaces the first (one commit, forced)
        proc = _run_step(copy, tmp_path / str(attempt))
        assert proc.returncode == 0, proc.stdout + proc.stderr
    origin = tmp_path / "origin.git"
    assert _git(origin, "rev-parse", "main").strip() == main_before
    log = _git(origin, "log", "--format=%s", NOTEBOOKS_BRANCH).strip().splitlines()
    assert log == [f"Learner notebooks of {main_before} (tools/bundle.py)"]
    files = set(_git(origin, "ls-tree", "--name-only", NOTEBOOKS_BRANCH).split())
    import bundle

    chapters = {pathlib.PurePosixPath(doc).name + ".ipynb" for doc in CHAPTERS}
    assert files == chapters | {"requirements.txt", "runtime.txt", "README.md"}
    assert _git(origin, "show", f"{NOTEBOOKS_BRANCH}:runtime.txt") == "python-3.11\n"
    requirements = _git(origin, "show", f"{NOTEBOOKS_BRANCH}:requirements.txt")
    assert (
        f"lecture_utils[notebooks] @ git+{PLACEHOLDER}@{main_before}\n" in requirements
    )
    for pin in bundle.runtime_requirements(ROOT, lab=False):
        assert f"\n{pin}\n" in requirements
    assert "\njupyterlab==" not in requirements, "Binder brings its own JupyterLab"
    notebook = _git(origin, "show", f"{NOTEBOOKS_BRANCH}:networks.ipynb")
    assert f"lecture_utils[notebooks] @ git+{PLACEHOLDER}" in notebook
    assert _git(copy, "status", "--porcelain") == "", "the step changed the checkout"


def test_publish_writes_no_branch_without_a_repository_url(
    tmp_path: pathlib.Path,
) -> None:
    copy = _repository_copy(tmp_path, "")
    proc = _run_step(copy, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "repository.url is empty" in proc.stdout
    branches = _git(tmp_path / "origin.git", "branch", "--format=%(refname:short)")
    assert branches.split() == ["main"]
