"""The 500 WebSocket clients of the live benchmark (devtools/bench/live.py), in a process of
their own: `python -m devtools.live_clients PORT BURST WAIT` reads the clients' session
cookies (a JSON list) on stdin, opens a socket for each as a page of the site does, prints
the seconds it took once every one is listening, then the latencies (seconds, from the
event's commit stamp to its arrival) of the status changes they heard, as one JSON list."""

import asyncio
import json
import sys
import time

import uvloop
from websockets.asyncio.client import connect


async def listen(port: int, cookies: list[str], burst: int, wait: float) -> None:
    host = f"127.0.0.1:{port}"
    latencies: list[float] = []
    everyone = asyncio.Event()
    opened = 0

    async def one(cookie: str, gate: asyncio.Semaphore) -> None:
        nonlocal opened
        async with gate:
            ws = await connect(
                f"ws://{host}/ws/live/",
                additional_headers={"Cookie": cookie, "Origin": f"http://{host}"},
                open_timeout=60,
                max_queue=None,
            )
            await ws.recv()  # the hello: this socket has joined its groups
        opened += 1
        if opened == len(cookies):
            everyone.set()
        heard = 0
        async with ws:
            async for message in ws:
                event = json.loads(message)
                if event.get("topic") == "incident" and event.get("status") == "en_route":
                    latencies.append(time.time() - event["sent"])
                    heard += 1
                    if heard == burst:
                        return

    gate = asyncio.Semaphore(50)  # handshakes at a time
    start = time.monotonic()
    tasks = [asyncio.create_task(one(cookie, gate)) for cookie in cookies]
    await asyncio.wait_for(everyone.wait(), timeout=180)
    print(round(time.monotonic() - start, 2), flush=True)
    await asyncio.wait(tasks, timeout=wait)
    print(json.dumps(latencies), flush=True)


if __name__ == "__main__":
    port, burst, wait = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    uvloop.run(listen(port, json.loads(sys.stdin.read()), burst, wait))
