package org.jlibp2p.examples;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jlibp2p.core.host.ProtocolStream;
import org.jlibp2p.core.host.StreamHandler;

/**
 * {@code /perf/1.0.0} (libp2p/specs perf/perf.md): the client sends the number of bytes it wants back
 * as a u64 big-endian, uploads its bytes and closes its side; the server reads the number, drains the
 * upload to its end, and only then sends the bytes asked for and closes.
 */
final class Perf {
    static final String PROTOCOL_ID = "/perf/1.0.0";
    private static final int BLOCK = 256 * 1024;

    /** What a run measured. */
    record Result(long uploaded, long downloaded, double uploadSeconds, double downloadSeconds, double seconds) {}

    /** Told of every block a run moves, so that its caller can report progress. */
    interface Meter {
        Meter NONE = (up, down) -> { };

        /**
         * Called after each block.
         *
         * @param uploaded   bytes just written
         * @param downloaded bytes just read
         */
        void moved(long uploaded, long downloaded);
    }

    static final StreamHandler HANDLER = stream -> {
        stream.setReadTimeout(Main.STREAM_IDLE_TIMEOUT);
        InputStream in = stream.in();
        long sendBack;
        try {
            sendBack = new DataInputStream(in).readLong();
        } catch (EOFException e) {
            throw new IOException("perf: the client closed before sending the size it wants back");
        }
        if (sendBack < 0) {
            throw new IOException("perf: negative size");
        }
        byte[] buf = new byte[BLOCK];
        while (in.read(buf) >= 0) {
            // drain the upload
        }
        write(stream.out(), sendBack, buf, Meter.NONE);
        stream.closeWrite();
    };

    private Perf() {}

    static Result run(ProtocolStream stream, long upload, long download) throws IOException {
        return run(stream, upload, download, Meter.NONE);
    }

    /** A run as the client: asks for {@code download} bytes, sends {@code upload} bytes, reads what comes back. */
    static Result run(ProtocolStream stream, long upload, long download, Meter meter) throws IOException {
        byte[] buf = new byte[BLOCK];
        long start = System.nanoTime();
        new DataOutputStream(stream.out()).writeLong(download);
        write(stream.out(), upload, buf, meter);
        stream.closeWrite();
        long uploaded = System.nanoTime();
        long received = 0;
        for (int n; (n = stream.in().read(buf)) >= 0; ) {
            received += n;
            meter.moved(0, n);
        }
        long end = System.nanoTime();
        return new Result(upload, received, (uploaded - start) / 1e9, (end - uploaded) / 1e9, (end - start) / 1e9);
    }

    private static void write(OutputStream out, long bytes, byte[] buf, Meter meter) throws IOException {
        for (long left = bytes; left > 0; ) {
            int n = (int) Math.min(left, buf.length);
            out.write(buf, 0, n);
            left -= n;
            meter.moved(n, 0);
        }
        out.flush();
    }
}
