//! One TCP connection through wasi:sockets (the only network a plugin has): the host lets
//! it reach exactly the `host:port` the manifest's `capabilities.tcp` grants, and the job's
//! policy allows. A refusal reaches us as the WASI error `access-denied`.

use dativo_plugin_sdk::{PluginError, Result};
use wasi::io::streams::{InputStream, OutputStream, StreamError};
use wasi::sockets::instance_network::instance_network;
use wasi::sockets::ip_name_lookup::resolve_addresses;
use wasi::sockets::network::{ErrorCode, IpAddress, IpAddressFamily, IpSocketAddress, Ipv4SocketAddress, Ipv6SocketAddress};
use wasi::sockets::tcp::TcpSocket;
use wasi::sockets::tcp_create_socket::create_tcp_socket;

/// `blocking-write-and-flush` takes at most 4096 bytes a call.
const WRITE_CHUNK: usize = 4096;
const READ_CHUNK: u64 = 256 * 1024;

/// The streams before the socket: fields drop in order, and streams go first.
pub struct Tcp {
    input: InputStream,
    output: OutputStream,
    _socket: TcpSocket,
    /// Reads done and bytes read, logged at debug level when the connection closes: the
    /// host's socket reads each cost a round trip to its I/O thread.
    reads: u64,
    bytes: u64,
}

impl Drop for Tcp {
    fn drop(&mut self) {
        let (reads, bytes) = (self.reads.to_string(), self.bytes.to_string());
        dativo_plugin_sdk::log::log(dativo_plugin_sdk::log::Level::Debug, "tcp connection closed", &[("reads", &reads), ("bytes", &bytes)]);
    }
}

impl Tcp {
    /// Connects to `host` (an IP literal, or a name the grant allows looking up) on `port`.
    pub fn connect(host: &str, port: u16) -> Result<Tcp> {
        let ip = match host.parse::<std::net::IpAddr>() {
            Ok(ip) => ip,
            Err(_) => lookup(host)?,
        };
        let (family, address) = match ip {
            std::net::IpAddr::V4(ip) => {
                let [a, b, c, d] = ip.octets();
                (IpAddressFamily::Ipv4, IpSocketAddress::Ipv4(Ipv4SocketAddress { port, address: (a, b, c, d) }))
            }
            std::net::IpAddr::V6(ip) => {
                let [a, b, c, d, e, f, g, h] = ip.segments();
                let address = (a, b, c, d, e, f, g, h);
                (IpAddressFamily::Ipv6, IpSocketAddress::Ipv6(Ipv6SocketAddress { port, flow_info: 0, address, scope_id: 0 }))
            }
        };
        let target = format!("{host}:{port}");
        let socket = create_tcp_socket(family).map_err(|e| socket_error(&target, e))?;
        socket.start_connect(&instance_network(), address).map_err(|e| socket_error(&target, e))?;
        let ready = socket.subscribe();
        let streams = loop {
            match socket.finish_connect() {
                Ok(streams) => break streams,
                Err(ErrorCode::WouldBlock) => ready.block(),
                Err(e) => return Err(socket_error(&target, e)),
            }
        };
        drop(ready);
        Ok(Tcp { input: streams.0, output: streams.1, _socket: socket, reads: 0, bytes: 0 })
    }

    /// Some bytes (at least one), or a retryable PG_CONNECTION_LOST when the peer closed.
    pub fn read(&mut self) -> Result<Vec<u8>> {
        match self.input.blocking_read(READ_CHUNK) {
            Ok(bytes) => {
                self.reads += 1;
                self.bytes += bytes.len() as u64;
                Ok(bytes)
            }
            Err(StreamError::Closed) => Err(lost("the server closed the connection")),
            Err(StreamError::LastOperationFailed(e)) => Err(lost(&e.to_debug_string())),
        }
    }

    pub fn write_all(&mut self, mut bytes: &[u8]) -> Result<()> {
        while !bytes.is_empty() {
            let n = bytes.len().min(WRITE_CHUNK);
            self.output.blocking_write_and_flush(&bytes[..n]).map_err(|e| match e {
                StreamError::Closed => lost("the server closed the connection"),
                StreamError::LastOperationFailed(e) => lost(&e.to_debug_string()),
            })?;
            bytes = &bytes[n..];
        }
        Ok(())
    }
}

/// The connection broke mid-conversation: retryable (the host reopens at the checkpoint).
pub fn lost(why: &str) -> PluginError {
    PluginError::connection("PG_CONNECTION_LOST", format!("connection to the server lost: {why}"))
}

fn lookup(host: &str) -> Result<std::net::IpAddr> {
    let stream = resolve_addresses(&instance_network(), host).map_err(|e| socket_error(host, e))?;
    let ready = stream.subscribe();
    let found = loop {
        match stream.resolve_next_address() {
            Ok(Some(IpAddress::Ipv4((a, b, c, d)))) => break std::net::Ipv4Addr::new(a, b, c, d).into(),
            Ok(Some(IpAddress::Ipv6((a, b, c, d, e, f, g, h)))) => break std::net::Ipv6Addr::new(a, b, c, d, e, f, g, h).into(),
            Ok(None) => return Err(PluginError::connection("PG_HOST_NOT_FOUND", format!("{host} has no address"))),
            Err(ErrorCode::WouldBlock) => ready.block(),
            Err(e) => return Err(socket_error(host, e)),
        }
    };
    drop(ready);
    Ok(found)
}

/// A sandbox refusal is a config error (the grant is missing); anything else is transient.
fn socket_error(target: &str, e: ErrorCode) -> PluginError {
    match e {
        ErrorCode::AccessDenied => PluginError::config(
            "PG_CONNECT_DENIED",
            format!("the sandbox refused a connection to {target}: grant it in capabilities.tcp and the job's policy.tcp"),
        ),
        e => PluginError::connection("PG_CONNECT_FAILED", format!("cannot connect to {target}: {}", e.name())),
    }
}
