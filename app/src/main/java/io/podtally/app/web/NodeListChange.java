package io.podtally.app.web;

import java.util.List;

/**
 * A change of what a cluster's node list answers.
 *
 * @param changed the parts that changed ({@link NodeListVersion#NODES}, …)
 * @param version the version after the change
 */
record NodeListChange(List<String> changed, NodeListVersion version) {

    NodeListChange {
        changed = List.copyOf(changed);
    }
}
