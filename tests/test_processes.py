"""The process harness (tests/processes.py) on real, tiny processes: each test takes a few
seconds at most, whatever goes wrong, because every wait in it has a short timeout."""

from __future__ import annotations

import os
import signal
import socket
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pytest

from tests.processes import Service, ServiceError, Services, below_500, free_port


def quick(service: Service) -> Service:
    """Short timeouts and fast polling: a broken harness fails these tests in seconds."""
    service.start_timeout, service.poll_every, service.stop_timeout = 10.0, 0.05, 5.0
    return service


def http_server(name: str, port: int, log: Path) -> Service:
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    return quick(Service(name, command, ready=f"http://127.0.0.1:{port}/", log=log))


def python(name: str, source: str, ready: str | int, log: Path) -> Service:
    return quick(
        Service(name, [sys.executable, "-c", textwrap.dedent(source)], ready=ready, log=log)
    )


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def alive(pid: int) -> bool:
    """A zombie is as good as dead: it runs nothing and holds no port."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel instead
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


def test_free_port_can_be_bound() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_a_server_comes_up_answers_and_stops(tmp_path: Path) -> None:
    port = free_port()
    server = http_server("files", port, tmp_path / "files.log")
    server.cwd = tmp_path
    with server:
        assert server.running
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
    assert server.process is None and not listening(port)
    assert "GET /" in (tmp_path / "files.log").read_text()


def test_start_reports_seconds_and_a_port_target_works(tmp_path: Path) -> None:
    port = free_port()
    server = http_server("files", port, tmp_path / "files.log")
    server.ready = port
    try:
        took = server.start()
        assert 0 < took < 10 and listening(port)
    finally:
        server.stop()


def test_a_service_starts_again_after_a_stop_appending_to_its_log(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "files.log"
    server = http_server("files", port, log)
    for _ in range(2):
        server.start()
        httpx.get(f"http://127.0.0.1:{port}/twice", timeout=5)
        server.stop()
    assert log.read_text().count("GET /twice") == 2


def test_a_process_that_exits_at_once_is_reported_with_its_output(tmp_path: Path) -> None:
    crash = python(
        "crash",
        """
        import sys
        print("loading the model")
        sys.exit("model file is corrupt")
    """,
        "http://127.0.0.1:9/",
        tmp_path / "crash.log",
    )
    started = time.monotonic()
    with pytest.raises(ServiceError) as error:
        crash.start()
    assert time.monotonic() - started < 5
    message = str(error.value)
    assert "crash exited with 1" in message
    assert "loading the model" in message and "model file is corrupt" in message
    assert crash.process is None


def test_a_process_that_never_answers_times_out_and_is_stopped(tmp_path: Path) -> None:
    port = free_port()
    silent = python(
        "silent",
        "import time; print('warming up', flush=True); time.sleep(60)",
        port,
        tmp_path / "silent.log",
    )
    silent.start_timeout = 1.0
    with pytest.raises(ServiceError, match=r"(?s)did not answer within 1 s.*warming up"):
        silent.start()
    assert silent.process is None


def test_stop_kills_a_process_that_ignores_sigterm(tmp_path: Path) -> None:
    port = free_port()
    stubborn = python(
        "stubborn",
        f"""
        import signal, socket, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        server = socket.create_server(("127.0.0.1", {port}))  # listening: the handler is set
        time.sleep(60)
    """,
        port,
        tmp_path / "stubborn.log",
    )
    stubborn.stop_timeout = 1.0
    stubborn.start()
    pid = stubborn.pid
    started = time.monotonic()
    assert stubborn.stop() == -signal.SIGKILL
    assert 0.9 < time.monotonic() - started < 5
    assert not alive(pid)


def test_a_group_stop_reaches_children_the_leader_leaves_behind(tmp_path: Path) -> None:
    """Like `make run-scaled`: Ctrl-C (SIGINT) to the group; a child that ignores it is killed
    once the stop timeout is over, even though the leader itself exited at once."""
    port, child_pid = free_port(), tmp_path / "child.pid"
    # The child writes its pid once it ignores both signals; the launcher listens (is up)
    # only after that, so the stop cannot come before the child is stubborn.
    child = (
        "import os, pathlib, signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        "signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        f"pathlib.Path({str(child_pid)!r} + '.new').write_text(str(os.getpid())); "
        f"os.replace({str(child_pid)!r} + '.new', {str(child_pid)!r}); time.sleep(60)"
    )
    launcher = python(
        "launcher",
        f"""
        import pathlib, socket, subprocess, sys, time
        subprocess.Popen([sys.executable, "-c", {child!r}])
        while not pathlib.Path({str(child_pid)!r}).exists():
            time.sleep(0.02)
        server = socket.create_server(("127.0.0.1", {port}))
        time.sleep(60)
    """,
        port,
        tmp_path / "launcher.log",
    )
    launcher.own_group, launcher.stop_signal, launcher.stop_timeout = True, signal.SIGINT, 1.5
    launcher.start()
    pid = int(child_pid.read_text())
    started = time.monotonic()
    launcher.stop()
    assert 1.4 < time.monotonic() - started < 6
    deadline = time.monotonic() + 3  # SIGKILL is sent; the kernel takes a moment
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)
    assert "KeyboardInterrupt" in (tmp_path / "launcher.log").read_text()


def test_services_start_in_order_and_a_failure_stops_those_already_up(tmp_path: Path) -> None:
    port = free_port()
    first = http_server("first", port, tmp_path / "first.log")
    broken = python("broken", "raise SystemExit(2)", free_port(), tmp_path / "broken.log")
    with pytest.raises(ServiceError, match="broken exited with 2"), Services([first, broken]):
        pytest.fail("the group must not run with a service down")
    assert first.process is None and not listening(port)


def test_services_by_name_and_all_stopped_at_the_end(tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    group = [http_server(f"s{n}", port, tmp_path / f"s{n}.log") for n, port in enumerate(ports)]
    group[1].accept = below_500  # /missing answers 404: up, for this check
    group[1].ready = f"http://127.0.0.1:{ports[1]}/missing"
    with Services(group) as services:
        assert all(listening(port) for port in ports)
        services.stop("s1")
        assert not listening(ports[1]) and listening(ports[0])
        services.start("s1")
        assert listening(ports[1])
    assert not any(listening(port) for port in ports)
    assert [service.process for service in services] == [None, None]


def test_a_running_service_is_not_started_twice_and_a_crashed_one_starts_again(
    tmp_path: Path,
) -> None:
    port = free_port()
    server = http_server("files", port, tmp_path / "files.log")
    server.start()
    try:
        with pytest.raises(ServiceError, match="files is already running"):
            server.start()
        os.kill(server.pid, signal.SIGKILL)  # a crash: not stopped through the harness
        deadline = time.monotonic() + 5
        while server.running and time.monotonic() < deadline:
            time.sleep(0.05)
        server.start()
        assert listening(port)
    finally:
        server.stop()
