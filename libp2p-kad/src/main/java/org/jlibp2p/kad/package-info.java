/**
 * The Kademlia DHT (kad-dht/README.md): {@link org.jlibp2p.kad.KadDht} (the service),
 * {@link org.jlibp2p.kad.RoutingTable} (k-buckets by XOR distance), the record and provider stores,
 * {@link org.jlibp2p.kad.Validator}s, and the wire messages. The module README teaches the protocol
 * on one page.
 */
package org.jlibp2p.kad;
