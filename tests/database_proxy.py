"""A TCP proxy in front of the test PostgreSQL, which a test can cut and restore: the database
going away and coming back, as the service meets it, without touching the server other tests use."""

import asyncio
import contextlib

from sqlalchemy.engine import make_url


class DatabaseProxy:
    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        socket_dir = url.query.get("host")
        self._unix_path = f"{socket_dir}/.s.PGSQL.{url.port or 5432}" if socket_dir else None
        self._target = (url.host or "127.0.0.1", url.port or 5432)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task] = set()
        self.port = 0

    async def start(self) -> None:
        if self._server is not None:
            return
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Refuse new connections and cut the open ones, as a stopped server does."""
        if self._server is not None:
            self._server.close()
            for writer in list(self._links):
                writer.transport.abort()
            self._links.clear()
            # Cut, not cancelled: each link ends by itself once its sockets are gone.
            await asyncio.wait_for(asyncio.gather(*self._tasks, return_exceptions=True), timeout=5)
            await self._server.wait_closed()
            self._server = None

    def url_through(self, database_url: str) -> str:
        url = make_url(database_url)
        query = {key: value for key, value in url.query.items() if key != "host"}
        return url.set(host="127.0.0.1", port=self.port, query=query).render_as_string(hide_password=False)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        try:
            if self._unix_path:
                server_reader, server_writer = await asyncio.open_unix_connection(self._unix_path)
            else:
                server_reader, server_writer = await asyncio.open_connection(*self._target)
        except OSError:
            client_writer.transport.abort()
            return
        self._links.update((client_writer, server_writer))
        await asyncio.gather(
            self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            self._links.discard(writer)
            with contextlib.suppress(Exception):
                writer.close()
