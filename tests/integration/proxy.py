"""A TCP proxy the test controls, standing between the server processes and MariaDB or Redis: ``cut()``
drops every connection and refuses new ones, as a restarting server does; ``restore()`` accepts again.
An outage without touching the database or Redis that other benches on the machine share."""

import socket
import threading


class Proxy:
	def __init__(self, target_host: str, target_port: int):
		self.target = (target_host, target_port)
		self.listener = None
		self.port = None
		self.connections: set[socket.socket] = set()
		self.lock = threading.Lock()
		self.up = False
		self.accepted = 0

	def start(self) -> "Proxy":
		self.restore()
		return self

	def restore(self):
		listener = socket.socket()
		listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
		listener.bind(("127.0.0.1", self.port or 0))
		listener.listen(128)
		self.port = listener.getsockname()[1]
		self.listener, self.up = listener, True
		threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

	def cut(self):
		"""Close the listening socket (new connections are refused) and reset every open connection."""
		self.up = False
		listener, self.listener = self.listener, None
		try:
			listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread
		except OSError:
			pass
		listener.close()
		with self.lock:
			connections, self.connections = self.connections, set()
		for conn in connections:
			# shutdown, not close alone: close() does not wake a thread blocked in recv() on the socket, and
			# the kernel keeps the connection open while it waits
			try:
				conn.shutdown(socket.SHUT_RDWR)
			except OSError:
				pass
			conn.close()

	stop = cut

	def _accept(self, listener):
		while True:
			try:
				client, _ = listener.accept()
			except OSError:
				return
			try:
				upstream = socket.create_connection(self.target, timeout=10)
				upstream.settimeout(None)
			except OSError:
				client.close()
				continue
			with self.lock:
				if not self.up:
					client.close()
					upstream.close()
					continue
				self.connections.update((client, upstream))
				self.accepted += 1
			for a, b in ((client, upstream), (upstream, client)):
				threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

	def _pipe(self, source, sink):
		try:
			while data := source.recv(65536):
				sink.sendall(data)
		except OSError:
			pass
		finally:
			for s in (source, sink):
				try:
					s.shutdown(socket.SHUT_RDWR)
				except OSError:
					pass
			with self.lock:
				self.connections.discard(source)
				self.connections.discard(sink)
