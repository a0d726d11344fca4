"""A copy of this repository's sources, as a fork would have them (for tests)."""

from __future__ import annotations

import pathlib
import re
import shutil
import subprocess

from conftest import ROOT


def copy_sources(dest: pathlib.Path, repository_url: str | None = None) -> pathlib.Path:
    """Copy the files git knows of (tracked, or new and not ignored) into ``dest``;
    set ``repository.url`` of ``_config.yml`` if given; share node_modules (KaTeX)."""
    names = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, names):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    if repository_url is not None:
        config = dest / "_config.yml"
        text, count = re.subn(
            r'(?m)^(repository:\n  url:) ""',
            lambda m: f'{m[1]} "{repository_url}"',
            config.read_text(encoding="utf-8"),
        )
        assert count == 1, '_config.yml: no `repository:` / `  url: ""` to set'
        config.write_text(text, encoding="utf-8")
    if (ROOT / "node_modules").is_dir():
        (dest / "node_modules").symlink_to(ROOT / "node_modules")
    return dest
