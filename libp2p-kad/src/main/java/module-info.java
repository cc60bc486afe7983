/**
 * The Kademlia DHT (kad-dht/README.md in the libp2p specs): a distributed hash table over the libp2p
 * network, under the protocol id {@code /ipfs/kad/1.0.0}.
 *
 * <ul>
 *   <li>{@link org.jlibp2p.kad.KadDht}: the service a host runs, configured by
 *       {@link org.jlibp2p.kad.KadConfig}: it serves the protocol (in server mode), keeps the
 *       {@link org.jlibp2p.kad.RoutingTable}, and runs lookups: FIND_NODE, PUT_VALUE/GET_VALUE,
 *       ADD_PROVIDER/GET_PROVIDERS.</li>
 *   <li>Records are checked by a {@link org.jlibp2p.kad.Validator} per namespace.</li>
 *   <li>The wire messages: {@link org.jlibp2p.kad.KadMessage}, {@link org.jlibp2p.kad.KadPeer} and
 *       {@link org.jlibp2p.kad.KadRecord}.</li>
 * </ul>
 */
module org.jlibp2p.kad {
    requires transitive org.jlibp2p.core;

    exports org.jlibp2p.kad;
}
