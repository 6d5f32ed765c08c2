"""Tests of the harness itself (plain pytest, no Odoo database), run by `make test`.

- `make check-odoo` fetches a missing ODOO_HOME with a shallow git clone of
  ODOO_REPO at ODOO_REF. There is no outside network here, so ODOO_REPO is a
  local bare repository of a tiny fake tree (all the script needs is
  `odoo/release.py`); the real trees are never cloned.
- conftest.py fails a skipped test when CI is set, except the skips it names.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GIT_ENV = {
    "GIT_AUTHOR_NAME": "harness",
    "GIT_AUTHOR_EMAIL": "harness@example.com",
    "GIT_COMMITTER_NAME": "harness",
    "GIT_COMMITTER_EMAIL": "harness@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args, cwd):
    return subprocess.run(
        ["git", *args], cwd=cwd, env={**os.environ, **GIT_ENV}, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture(scope="module")
def fake_odoo_repo(tmp_path_factory):
    """A bare repository with a branch 18.0 holding a fake Odoo 18.0 tree,
    and the commit of that tree."""
    base = tmp_path_factory.mktemp("odoo-repo")
    tree = base / "tree"
    (tree / "odoo").mkdir(parents=True)
    (tree / "odoo" / "release.py").write_text("version_info = (18, 0, 0, 'final', 0, '')\nseries = '18.0'\n")
    (tree / "requirements.txt").write_text("")
    git("init", "--quiet", "--initial-branch=18.0", cwd=tree)
    git("add", ".", cwd=tree)
    git("commit", "--quiet", "-m", "fake Odoo 18.0", cwd=tree)
    commit = git("rev-parse", "HEAD", cwd=tree)
    # A newer commit on the branch, so that fetching the first one by its id
    # is not the same as fetching the branch.
    (tree / "README.md").write_text("newer\n")
    git("add", ".", cwd=tree)
    git("commit", "--quiet", "-m", "newer", cwd=tree)
    bare = base / "odoo.git"
    git("clone", "--quiet", "--bare", str(tree), str(bare), cwd=base)
    git("config", "uploadpack.allowAnySHA1InWant", "true", cwd=bare)
    return bare, commit


def check_odoo(odoo_home, **variables):
    """Run `make check-odoo` as a newcomer would, with these make variables."""
    args = [f"{name}={value}" for name, value in {"ODOO_HOME": odoo_home, **variables}.items()]
    # Run by `make test`, the environment carries the outer make's variables:
    # MAKELEVEL would make the inner make print "make[2]: ***" as a sub-make.
    outer = ("ODOO_HOME", "ODOO_REPO", "ODOO_REF", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    env = {k: v for k, v in os.environ.items() if k not in outer}
    return subprocess.run(
        ["make", "--no-print-directory", "-s", "-C", str(ROOT), "check-odoo", *args],
        env={**env, **GIT_ENV},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_odoo_home_is_fetched(fake_odoo_repo, tmp_path):
    bare, _commit = fake_odoo_repo
    odoo_home = tmp_path / "odoo" / "18.0"
    result = check_odoo(odoo_home, ODOO_SERIES="18.0", ODOO_REPO=f"file://{bare}")
    assert result.returncode == 0, result.stderr
    assert (odoo_home / "odoo" / "release.py").is_file()
    assert (odoo_home / "README.md").is_file(), "the tip of the series branch (ODOO_REF's default)"
    assert git("rev-list", "--count", "HEAD", cwd=odoo_home) == "1", "a shallow clone"
    lines = (result.stdout + result.stderr).splitlines()
    assert lines == [f"Fetching Odoo 18.0: shallow clone of file://{bare} at 18.0 into {odoo_home}..."]
    # Once there, it is used as it is: no second fetch, nothing printed.
    again = check_odoo(odoo_home, ODOO_SERIES="18.0", ODOO_REPO=f"file://{bare}")
    assert (again.returncode, again.stdout, again.stderr) == (0, "", "")


def test_odoo_ref_may_be_a_commit(fake_odoo_repo, tmp_path):
    bare, commit = fake_odoo_repo
    odoo_home = tmp_path / "odoo-at-commit"
    result = check_odoo(odoo_home, ODOO_SERIES="18.0", ODOO_REPO=f"file://{bare}", ODOO_REF=commit)
    assert result.returncode == 0, result.stderr
    assert git("rev-parse", "HEAD", cwd=odoo_home) == commit
    assert not (odoo_home / "README.md").exists()


def test_unreachable_repository_is_a_clear_error(tmp_path):
    odoo_home = tmp_path / "odoo"
    missing = tmp_path / "nowhere.git"
    result = check_odoo(odoo_home, ODOO_SERIES="18.0", ODOO_REPO=f"file://{missing}")
    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-2]
    assert result.stderr.strip().splitlines()[-1].startswith("make: *** [Makefile:")
    assert message.startswith(f"Could not fetch Odoo 18.0 from file://{missing} at 18.0 into {odoo_home} (")
    assert "set ODOO_HOME to an Odoo 18.0 checkout, or ODOO_REPO/ODOO_REF" in message
    assert not odoo_home.exists(), "no half-made tree is left behind"


def test_unknown_ref_is_a_clear_error(fake_odoo_repo, tmp_path):
    bare, _commit = fake_odoo_repo
    odoo_home = tmp_path / "odoo"
    result = check_odoo(odoo_home, ODOO_SERIES="18.0", ODOO_REPO=f"file://{bare}", ODOO_REF="17.0")
    assert result.returncode != 0
    assert "Could not fetch Odoo 18.0" in result.stderr
    assert "at 17.0" in result.stderr
    assert not odoo_home.exists()


def test_tree_of_another_series_is_refused(fake_odoo_repo, tmp_path):
    bare, _commit = fake_odoo_repo
    odoo_home = tmp_path / "odoo"
    result = check_odoo(odoo_home, ODOO_SERIES="19.0", ODOO_REPO=f"file://{bare}", ODOO_REF="18.0")
    assert result.returncode != 0
    assert f"ODOO_HOME={odoo_home} is not Odoo 19.0" in result.stderr


def test_a_folder_that_is_no_odoo_tree_is_not_overwritten(tmp_path):
    odoo_home = tmp_path / "odoo"
    odoo_home.mkdir()
    (odoo_home / "notes.txt").write_text("mine")
    result = check_odoo(odoo_home, ODOO_SERIES="18.0", ODOO_REPO=f"file://{tmp_path}/none.git")
    assert result.returncode != 0
    assert f"ODOO_HOME={odoo_home} holds no Odoo source tree" in result.stderr
    assert (odoo_home / "notes.txt").read_text() == "mine"


SKIPPING_TESTS = textwrap.dedent(
    """
    import unittest

    def test_missing_tool():
        raise unittest.SkipTest("missing tool: wkhtmltopdf (the PDF must be made for real)")

    def test_19_coda():
        raise unittest.SkipTest("account_statement_import_coda: OCA publishes no 19.0 CODA importer")

    def test_passes():
        pass
    """
)


def run_pytest_with_conftest(tmp_path, ci):
    (tmp_path / "test_skips.py").write_text(SKIPPING_TESTS)
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci:
        env["CI"] = "true"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:odoo",
            "-p",
            "conftest",
            "-q",
            "-rs",
            "--rootdir",
            str(tmp_path),
            "-c",
            os.devnull,
            str(tmp_path / "test_skips.py"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )


def test_ci_refuses_a_skip_for_a_missing_tool(tmp_path):
    result = run_pytest_with_conftest(tmp_path, ci=True)
    assert result.returncode == 1, result.stdout
    assert "CI refuses this skip: missing tool: wkhtmltopdf" in result.stdout
    assert "1 failed, 1 passed, 1 skipped" in result.stdout, "the 19.0 CODA skip stays allowed"


def test_skips_pass_outside_ci(tmp_path):
    result = run_pytest_with_conftest(tmp_path, ci=False)
    assert result.returncode == 0, result.stdout
    assert "1 passed, 2 skipped" in result.stdout
