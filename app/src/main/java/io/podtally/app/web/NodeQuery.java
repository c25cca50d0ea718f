package io.podtally.app.web;

import io.podtally.cache.PodCountView;
import io.podtally.k8s.NodeMetricsCache;
import io.podtally.k8s.NodeMetricsCache.NodeUsage;
import io.podtally.k8s.NodeView;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The filters, sort order and page of one node-list request, validated.
 *
 * @param name a part of the node name, lower case, or {@code null} for any
 * @param ready {@code true}/{@code false} for {@code status=ready|notready}, {@code null} for any
 * @param role a role the node must have, or {@code null}
 * @param labelKey a label the node must carry, or {@code null}
 * @param labelValue the value that label must have, or {@code null} for any
 * @param taintKey a taint the node must carry, or {@code null}
 * @param taintValue the value that taint must have, or {@code null} for any
 * @param taintEffect the effect that taint must have, or {@code null} for any
 * @param sortBy the sort key
 * @param descending whether the order is reversed
 * @param page the 1-based page, or {@code null} when not paged
 * @param pageSize nodes per page, or {@code null} when not paged
 */
record NodeQuery(
        String name,
        Boolean ready,
        String role,
        String labelKey,
        String labelValue,
        String taintKey,
        String taintValue,
        String taintEffect,
        SortBy sortBy,
        boolean descending,
        Integer page,
        Integer pageSize) {

    static final int DEFAULT_PAGE_SIZE = 100;
    private static final int MAX_PAGE = 1_000_000;
    private static final Pattern NAME_PART = Pattern.compile("[-A-Za-z0-9.]*");
    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");

    /** The sort keys of {@code sort_by}. */
    enum SortBy {
        NAME, STATUS, ROLES, POD_COUNT, CPU, MEMORY, CREATED_AT;

        static SortBy parse(String value) {
            for (SortBy s : values()) {
                if (s.name().equalsIgnoreCase(value)) {
                    return s;
                }
            }
            throw ApiException.badRequest("sort_by must be one of name, status, roles, pod_count, cpu, memory, created_at");
        }
    }

    /** Parses and validates the request parameters; throws a 400 {@link ApiException} for a bad value. */
    static NodeQuery parse(Map<String, String> params, int maxPageSize) {
        String name = params.get("name");
        if (name != null && (name.length() > 253 || !NAME_PART.matcher(name).matches())) {
            throw ApiException.badRequest("name must be a part of a node name (at most 253 letters, digits, - .)");
        }
        name = name == null || name.isEmpty() ? null : name.toLowerCase(Locale.ROOT);
        String status = params.get("status");
        Boolean ready = null;
        if (status != null) {
            ready = switch (status.toLowerCase(Locale.ROOT)) {
                case "ready" -> true;
                case "notready" -> false;
                default -> throw ApiException.badRequest("status must be ready or notready");
            };
        }
        String role = checked(params, "role", KubernetesNames::isName, "a label name (at most 63 letters, digits, - _ .)");
        String labelKey = checked(params, "label_key", KubernetesNames::isQualifiedName, "a label key ([prefix/]name)");
        String labelValue = checked(params, "label_value", KubernetesNames::isLabelValue, "a label value (at most 63 letters, digits, - _ .)");
        if (labelValue != null && labelKey == null) {
            throw ApiException.badRequest("label_value needs label_key");
        }
        String taintKey = checked(params, "taint_key", KubernetesNames::isQualifiedName, "a taint key ([prefix/]name)");
        String taintValue = checked(params, "taint_value", KubernetesNames::isLabelValue, "a taint value (at most 63 letters, digits, - _ .)");
        String taintEffect = params.get("taint_effect");
        if (taintEffect != null && !TAINT_EFFECTS.contains(taintEffect)) {
            throw ApiException.badRequest("taint_effect must be one of " + String.join(", ", TAINT_EFFECTS));
        }
        if ((taintValue != null || taintEffect != null) && taintKey == null) {
            throw ApiException.badRequest("taint_value and taint_effect need taint_key");
        }
        SortBy sortBy = params.get("sort_by") == null ? SortBy.NAME : SortBy.parse(params.get("sort_by"));
        String order = params.get("order");
        if (order != null && !order.equalsIgnoreCase("asc") && !order.equalsIgnoreCase("desc")) {
            throw ApiException.badRequest("order must be asc or desc");
        }
        boolean descending = "desc".equalsIgnoreCase(order);
        Integer page = integer(params, "page", 1, MAX_PAGE);
        Integer pageSize = integer(params, "page_size", 1, maxPageSize);
        if (page != null || pageSize != null) {
            page = page == null ? 1 : page;
            pageSize = pageSize == null ? Math.min(DEFAULT_PAGE_SIZE, maxPageSize) : pageSize;
        }
        return new NodeQuery(name, ready, role, labelKey, labelValue, taintKey, taintValue, taintEffect, sortBy, descending,
                page, pageSize);
    }

    /** Whether the request asked for a page. */
    boolean paged() {
        return page != null;
    }

    /** Whether {@code node} passes every filter. */
    boolean matches(NodeView node) {
        if (name != null && !node.name().contains(name)) {
            return false;
        }
        if (ready != null && node.ready() != ready) {
            return false;
        }
        if (role != null && !node.roles().contains(role)) {
            return false;
        }
        if (labelKey != null) {
            String value = node.labels().get(labelKey);
            if (value == null || (labelValue != null && !labelValue.equals(value))) {
                return false;
            }
        }
        if (taintKey != null) {
            return node.taints().stream().anyMatch(t -> taintKey.equals(t.key())
                    && (taintValue == null || taintValue.equals(t.value() == null ? "" : t.value()))
                    && (taintEffect == null || taintEffect.equals(t.effect())));
        }
        return true;
    }

    /**
     * The order of the result, by the sort key, then by name, with unknown pod counts last either way. It is applied to
     * the nodes before they are built into {@link NodeInfo}s: the pod count is looked up in {@code podCounts}, status
     * and creation time are taken as {@link NodeInfo#of} shows them.
     */
    Comparator<NodeView> viewComparator(PodCountView podCounts) {
        return viewComparator(podCounts, null);
    }

    /** {@link #viewComparator(PodCountView)}, and CPU and memory used from {@code metrics} (none when null). */
    Comparator<NodeView> viewComparator(PodCountView podCounts, NodeMetricsCache.Snapshot metrics) {
        Comparator<NodeView> byName = Comparator.comparing(NodeView::name);
        return switch (sortBy) {
            case NAME -> descending ? byName.reversed() : byName;
            case STATUS -> Comparator.comparing((NodeView node) -> NodeInfo.statusOf(node),
                    direction(Comparator.<String>naturalOrder())).thenComparing(byName);
            case ROLES -> Comparator.comparing((NodeView node) -> String.join(",", node.roles()),
                    direction(Comparator.<String>naturalOrder())).thenComparing(byName);
            case CPU -> byUsage(metrics, NodeUsage::cpu).thenComparing(byName);
            case MEMORY -> byUsage(metrics, NodeUsage::memory).thenComparing(byName);
            case POD_COUNT -> Comparator.comparing((NodeView node) -> podCounts.countFor(node.name(), node.uid()),
                    Comparator.nullsLast(direction(Comparator.<Integer>naturalOrder()))).thenComparing(byName);
            case CREATED_AT -> Comparator.comparing((NodeView node) -> NodeInfo.secondOf(node.createdAt()),
                    Comparator.nullsLast(direction(Comparator.<Instant>naturalOrder()))).thenComparing(byName);
        };
    }

    private Comparator<NodeView> byUsage(NodeMetricsCache.Snapshot metrics, Function<NodeUsage, String> quantity) {
        return Comparator.comparing((NodeView node) -> metrics == null ? null
                        : metrics.usage(node.name()).map(quantity).map(Quantities::parse).orElse(null),
                Comparator.nullsLast(direction(Comparator.<Double>naturalOrder())));
    }

    private <T> Comparator<T> direction(Comparator<T> ascending) {
        return descending ? ascending.reversed() : ascending;
    }

    /** The query as a canonical string, part of the ETag. */
    String canonical() {
        String canonical = String.join("|", String.valueOf(ready), String.valueOf(role), String.valueOf(labelKey),
                String.valueOf(labelValue), String.valueOf(taintKey), String.valueOf(taintValue),
                String.valueOf(taintEffect), sortBy.name(), String.valueOf(descending), String.valueOf(page),
                String.valueOf(pageSize));
        // without a name filter the tag is the one replicas that do not know the filter give, during a rolling update
        return name == null ? canonical : canonical + "|name=" + name;
    }

    private static String checked(
            Map<String, String> params, String name, Predicate<String> valid, String expected) {
        String value = params.get(name);
        if (value == null) {
            return null;
        }
        if (!valid.test(value)) {
            throw ApiException.badRequest(name + " must be " + expected);
        }
        return value;
    }

    private static Integer integer(Map<String, String> params, String name, int min, int max) {
        String value = params.get(name);
        if (value == null) {
            return null;
        }
        int parsed;
        try {
            if (value.length() > 10) {
                throw new NumberFormatException(value);
            }
            parsed = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer between " + min + " and " + max);
        }
        if (parsed < min || parsed > max) {
            throw ApiException.badRequest(name + " must be an integer between " + min + " and " + max);
        }
        return parsed;
    }
}
