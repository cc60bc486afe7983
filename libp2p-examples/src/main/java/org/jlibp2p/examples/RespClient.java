package org.jlibp2p.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Just enough of the Redis protocol (RESP 2, redis.io "Redis serialization protocol specification")
 * for the interop harness: commands go out as arrays of bulk strings; replies are simple strings,
 * errors, integers, bulk strings and arrays.
 */
final class RespClient implements AutoCloseable {
    private static final int MAX_BULK = 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RespClient(String hostPort, Duration connectTimeout) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("redis address must be host:port, not " + hostPort);
        }
        socket = new Socket();
        socket.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                (int) connectTimeout.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends a command and returns its reply: String, Long, List of replies, or null. */
    Object command(Duration replyTimeout, String... args) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (String a : args) {
            byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
            b.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            b.writeBytes(bytes);
            b.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(b.toByteArray());
        out.flush();
        socket.setSoTimeout((int) Math.max(1, replyTimeout.toMillis()));
        return reply();
    }

    private Object reply() throws IOException {
        int type = in.read();
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new IOException("redis: " + line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    yield null;
                }
                if (n > MAX_BULK) {
                    throw new ProtocolException("redis: bulk string of " + n + " bytes");
                }
                byte[] data = in.readNBytes(n);
                line(); // the CRLF after the data
                yield new String(data, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                if (n < 0) {
                    yield null;
                }
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(reply());
                }
                yield items;
            }
            case -1 -> throw new EOFException("redis closed the connection");
            default -> throw new ProtocolException("redis: unexpected reply type '" + (char) type + "'");
        };
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\r'; ) {
            if (c < 0) {
                throw new EOFException("redis closed the connection");
            }
            if (b.size() > 4096) {
                throw new ProtocolException("redis: reply line too long");
            }
            b.write(c);
        }
        if (in.read() != '\n') {
            throw new ProtocolException("redis: CR without LF");
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
