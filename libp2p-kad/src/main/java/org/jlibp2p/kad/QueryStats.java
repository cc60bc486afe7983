package org.jlibp2p.kad;

import java.time.Duration;

/**
 * What a lookup cost.
 *
 * @param hops     the path length: the longest chain of responses that led to one of the closest
 *                 peers found (1: the peer was in the routing table)
 * @param messages the requests sent
 * @param elapsed  how long it took
 * @param timedOut true if the whole-query deadline ended it
 */
public record QueryStats(int hops, int messages, Duration elapsed, boolean timedOut) {}
