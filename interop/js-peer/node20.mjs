// Imported first by the js nodes of the interoperability tests (peer.mjs, gossipsub.mjs, gossipsub-net.mjs, kad.mjs):
// node 20 lacks Promise.withResolvers, which js-libp2p 3 calls.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
