package org.jlibp2p.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jlibp2p.core.Multiaddr;
import org.jlibp2p.core.spi.Listener;
import org.jlibp2p.core.spi.RawConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TcpTransportTest {
    private final TcpTransport tcp = new TcpTransport();
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void shutdown() throws InterruptedException {
        executor.shutdownNow();
        assertThat(executor.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @ParameterizedTest
    @CsvSource({
        "/ip4/127.0.0.1/tcp/1, true",
        "/ip6/::1/tcp/1, true",
        "/dns4/localhost/tcp/1, true",
        "/dns/example.com/tcp/443/p2p/QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC, true",
        "/ip4/127.0.0.1/udp/1, false",
        "/ip4/127.0.0.1/tcp/1/ws, false",
        "/ip4/127.0.0.1, false",
        "/ip4/127.0.0.1/udp/1/quic-v1, false",
    })
    void handlesIpAndDnsWithTcpOnly(String address, boolean handled) {
        assertThat(tcp.handles(Multiaddr.parse(address))).isEqualTo(handled);
    }

    @Test
    void dialAndListenCarryBytesWithTheRightAddresses() throws Exception {
        try (Listener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))) {
            assertThat(listener.localAddress().toString()).startsWith("/ip4/127.0.0.1/tcp/").doesNotEndWith("/tcp/0");
            Future<RawConnection> accepted = executor.submit(listener::accept);
            Multiaddr dnsForm = Multiaddr.parse("/dns4/localhost/tcp/" + listener.localAddress().valueOf(org.jlibp2p.core.MultiaddrProtocol.TCP).orElseThrow());
            try (RawConnection out = tcp.dial(dnsForm, Duration.ofSeconds(5)); RawConnection in = accepted.get(5, TimeUnit.SECONDS)) {
                out.out().write("hello".getBytes());
                assertThat(in.in().readNBytes(5)).isEqualTo("hello".getBytes());
                assertThat(in.remoteAddress()).isEqualTo(out.localAddress());
                assertThat(out.remoteAddress()).isEqualTo(listener.localAddress());
                in.setReadTimeout(Duration.ofMillis(50));
                assertThatThrownBy(() -> in.in().read()).isInstanceOf(java.net.SocketTimeoutException.class);
            }
        }
    }

    @Test
    void closingTheListenerWakesAccept() throws Exception {
        Listener listener = tcp.listen(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"));
        Future<RawConnection> accepted = executor.submit(listener::accept);
        Thread.sleep(50);
        listener.close();
        assertThatThrownBy(() -> accepted.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aRefusedDialFailsQuicklyWithTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // now closed: nothing listens there
        }
        Multiaddr addr = Multiaddr.parse("/ip4/127.0.0.1/tcp/" + port);
        assertThatThrownBy(() -> tcp.dial(addr, Duration.ofSeconds(5)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(addr.toString());
    }

    @Test
    void anUnhandledAddressIsRefused() {
        assertThatThrownBy(() -> tcp.dial(Multiaddr.parse("/ip4/127.0.0.1/udp/1"), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
