"""The `chainrule` command as a Unix tool: help, version, flag errors,
`serve` on a busy port, `train`'s progress bar and divergence. Real
subprocesses, as a user runs them."""

from __future__ import annotations

import argparse
import json
import os
import pty
import re
import socket
import subprocess
import sys

import chainrule
import pytest
from chainrule.server.cli.main import build_parser


def chainrule_cmd(*args: str, **kw) -> subprocess.CompletedProcess:
    run = subprocess.run([sys.executable, "-m", "chainrule", *args], capture_output=True,
                         text=True, timeout=120, **kw)
    assert "Traceback" not in run.stderr
    return run


def subcommands() -> dict[str, argparse.ArgumentParser]:
    (group,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return group.choices


def test_every_subcommand_and_flag_has_a_description_and_shows_its_default():
    parser = build_parser()
    (group,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    assert {a.dest for a in group._choices_actions} == {"grad", "train", "serve", "export"}
    assert all(a.help for a in group._choices_actions)
    for name, sub in subcommands().items():
        assert sub.description, name
        help_text = sub.format_help()
        for action in sub._actions:
            assert action.help, (name, action.dest)
            if action.default not in (None, False, [], argparse.SUPPRESS):
                assert "%(default)s" in action.help, (name, action.dest)
                assert f"(default: {action.default})" in re.sub(r"\s+", " ", help_text)


def test_version():
    run = chainrule_cmd("--version")
    assert run.returncode == 0 and run.stdout == f"chainrule {chainrule.__version__}\n"


@pytest.mark.parametrize(("args", "flag"), [
    ("serve --port 99999", "--port"), ("serve --port 0", "--port"),
    ("serve --port eighty", "--port"), ("serve --workers 0", "--workers"),
    ("train digits --seed -1", "--seed"), ("train digits --epochs 0", "--epochs"),
    ("train digits --epochs 1.5", "--epochs"), ("train digits --lr 0", "--lr"),
    ("train digits --lr nan", "--lr"), ("train digits --lr -inf", "--lr"),
    ("train cifar", "model"), ("frobnicate", "COMMAND"), ("grad", "file"),
    ("export - -o x.html --step -1", "--step"), ("export - --step 2", "--output"),
])
def test_a_bad_flag_is_one_line_naming_it_exit_2(args, flag):
    run = chainrule_cmd(*args.split())
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and flag in run.stderr, run.stderr
    assert not re.search(r"_\w+|invalid \w+ value|usage:", run.stderr), run.stderr
    assert run.stdout == ""


def test_serve_on_a_busy_port_says_so_before_claiming_to_be_up():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = chainrule_cmd("serve", "--port", str(port))
    assert run.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in run.stderr
    assert run.stdout == ""  # nothing said the server was up


def test_serve_on_an_unknown_host_exits_2():
    run = chainrule_cmd("serve", "--host", "no-such-host.invalid")
    assert run.returncode == 2 and "--host no-such-host.invalid" in run.stderr


def test_train_piped_prints_the_result_without_a_bar():
    run = chainrule_cmd("train", "digits", "--epochs", "2")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert re.fullmatch(r"train accuracy [\d.]+%  test accuracy [\d.]+%  [\d.]+ s "
                        r"\(2 epochs, seed 0\)\n", run.stdout)


def test_train_json_is_one_line_with_the_history():
    run = chainrule_cmd("train", "digits", "--epochs", "2", "--seed", "3", "--json")
    summary = json.loads(run.stdout)
    assert [h["epoch"] for h in summary["history"]] == [1, 2]
    assert summary["seed"] == 3 and summary["diverged"] is False


def on_a_terminal(*args: str) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal (stdout piped): exit status and
    what the terminal showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "chainrule", *args], stdout=subprocess.PIPE,
                            stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the process closed its end
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    proc.stdout.read()
    return proc.wait(60), shown.decode()


def test_train_on_a_terminal_shows_a_bar_with_epoch_loss_and_accuracy():
    status, shown = on_a_terminal("train", "digits", "--epochs", "3")
    assert status == 0
    frames = [f for f in shown.split("\r") if f.strip()]
    assert len(frames) == 3
    for epoch, frame in enumerate(frames, 1):
        assert re.match(rf"\[[#.]{{30}}\] epoch {epoch}/3  loss [\d.]+  test accuracy [\d.]+%",
                        frame), frame
    assert frames[-1].startswith("[" + "#" * 30 + "]")


def test_train_json_on_a_terminal_shows_no_bar():
    status, shown = on_a_terminal("train", "digits", "--epochs", "2", "--json")
    assert status == 0 and shown == ""


def test_a_learning_rate_that_diverges_says_so_and_exits_1():
    run = chainrule_cmd("train", "digits", "--lr", "100", "--epochs", "2")
    assert run.returncode == 1
    assert "the run diverged" in run.stderr and "--lr" in run.stderr
    ok = chainrule_cmd("train", "digits", "--epochs", "2")
    assert ok.returncode == 0 and "diverged" not in ok.stderr
