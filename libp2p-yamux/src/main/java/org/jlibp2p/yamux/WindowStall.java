package org.jlibp2p.yamux;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * A JDK Flight Recorder event: a writer waited for the remote to open a stream's send window (its
 * duration is the wait). Many of them say the remote reads slowly, or its window is too small for the
 * round-trip time (yamux/README.md, "Flow Control").
 */
@Name("org.jlibp2p.YamuxWindowStall")
@Label("libp2p Yamux Window Stall")
@Category({"libp2p", "Yamux"})
@Description("A writer waited for the remote's window on a stream")
@StackTrace(false)
final class WindowStall extends Event {
    @Label("Stream") long stream;
    @Label("Session") String session;
}
