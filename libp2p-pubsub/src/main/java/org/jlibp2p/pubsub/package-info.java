/**
 * Publish/subscribe for jlibp2p (pubsub/README.md, pubsub/gossipsub): {@link org.jlibp2p.pubsub.GossipSub}
 * speaks gossipsub v1.2, v1.1 and v1.0 and floodsub, with the signing policies, validators, peer
 * scoring and bounds that {@link org.jlibp2p.pubsub.GossipSubConfig} and
 * {@link org.jlibp2p.pubsub.GossipSubParams} configure. The module README teaches gossipsub on one page.
 */
package org.jlibp2p.pubsub;
