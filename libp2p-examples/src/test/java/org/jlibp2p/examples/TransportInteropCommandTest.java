package org.jlibp2p.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.jlibp2p.examples.ToolRunner.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** transport-interop's help needs no Redis and names every variable the app reads. */
@Timeout(60)
class TransportInteropCommandTest {
    @Test
    void helpNamesEveryVariableWithoutReachingRedis() {
        // The harness's own defaults point at hosts named redis and transport-redis, which do not exist here.
        Run r = ToolRunner.run(Map.of("is_dialer", "true"), "transport-interop", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.err()).isEmpty();
        for (TransportInterop.Setting s : TransportInterop.Setting.values()) {
            assertThat(r.out()).contains(s.unifiedName);
            if (s.legacyName != null) {
                assertThat(r.out()).contains(s.legacyName);
            }
        }
        assertThat(ToolRunner.run("help", "transport-interop").out()).isEqualTo(r.out());
    }

    @Test
    void anArgumentIsRefused() {
        Run r = ToolRunner.run("transport-interop", "extra");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unexpected argument 'extra'");
    }
}
