package org.jlibp2p.tests.bench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * A random connected graph for the network benchmarks: each node dials a few random others (so the
 * mean degree is twice that), drawn again until every node can reach every other.
 *
 * @param dials  the nodes node i dials
 * @param degree how many neighbours node i has, dialled or dialling
 */
public record RandomGraph(int[][] dials, int[] degree) {
    /** Draws before giving up. */
    static final int MAX_DRAWS = 1000;

    /**
     * Draws a connected graph.
     *
     * @param n      nodes
     * @param dials  how many others each node dials (fewer where it already knows everyone)
     * @param random the source of randomness, seeded for a graph that runs can share
     * @return the graph
     * @throws IllegalStateException if no draw of {@value #MAX_DRAWS} is connected
     */
    public static RandomGraph draw(int n, int dials, Random random) {
        for (int attempt = 0; attempt < MAX_DRAWS; attempt++) {
            List<Set<Integer>> adj = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                adj.add(new HashSet<>());
            }
            int[][] out = new int[n][];
            for (int i = 0; i < n; i++) {
                List<Integer> mine = new ArrayList<>();
                // in a small network a node may already know everyone
                for (int tries = 0; mine.size() < dials && adj.get(i).size() < n - 1 && tries < 100 * n; tries++) {
                    int j = random.nextInt(n);
                    if (j != i && adj.get(i).add(j)) {
                        adj.get(j).add(i);
                        mine.add(j);
                    }
                }
                out[i] = mine.stream().mapToInt(Integer::intValue).toArray();
            }
            if (connected(adj)) {
                return new RandomGraph(out, adj.stream().mapToInt(Set::size).toArray());
            }
        }
        throw new IllegalStateException("no connected graph of " + n + " nodes in " + MAX_DRAWS + " draws");
    }

    /** {@return the number of nodes} */
    public int nodes() {
        return degree.length;
    }

    private static boolean connected(List<Set<Integer>> adj) {
        Set<Integer> seen = new HashSet<>(List.of(0));
        ArrayDeque<Integer> todo = new ArrayDeque<>(List.of(0));
        while (!todo.isEmpty()) {
            for (int j : adj.get(todo.poll())) {
                if (seen.add(j)) {
                    todo.add(j);
                }
            }
        }
        return seen.size() == adj.size();
    }
}
