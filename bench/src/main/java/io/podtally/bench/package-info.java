/** The benchmark harness: podtally against the seed's designs on simulated clusters. */
package io.podtally.bench;
