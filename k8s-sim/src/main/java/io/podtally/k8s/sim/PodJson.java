package io.podtally.k8s.sim;

import java.util.SplittableRandom;
import tools.jackson.core.JsonGenerator;

/**
 * A pod as the API server renders it, with the bulk real pods carry (managed fields, probes,
 * projected service-account volumes, tolerations, container statuses), so that a pod weighs 3-6 KB
 * as in real clusters.
 */
final class PodJson {

    private static final String POD_SPEC_FIELDS = "{\"f:metadata\":{\"f:generateName\":{},\"f:labels\":{\".\":{},"
            + "\"f:app.kubernetes.io/instance\":{},\"f:app.kubernetes.io/name\":{}},\"f:ownerReferences\":{\".\":{},"
            + "\"k:{\\\"uid\\\":\\\"00000000-0000-0000-0000-000000000000\\\"}\":{}}},\"f:spec\":{\"f:containers\":{"
            + "\"k:{\\\"name\\\":\\\"app\\\"}\":{\".\":{},\"f:env\":{\".\":{},\"k:{\\\"name\\\":\\\"LOG_LEVEL\\\"}\":{"
            + "\".\":{},\"f:name\":{},\"f:value\":{}}},\"f:image\":{},\"f:imagePullPolicy\":{},\"f:livenessProbe\":{"
            + "\".\":{},\"f:failureThreshold\":{},\"f:httpGet\":{\".\":{},\"f:path\":{},\"f:port\":{},\"f:scheme\":{}},"
            + "\"f:periodSeconds\":{}},\"f:name\":{},\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":8080,"
            + "\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{},\"f:name\":{},\"f:protocol\":{}}},"
            + "\"f:resources\":{\".\":{},\"f:limits\":{\".\":{},\"f:memory\":{}},\"f:requests\":{\".\":{},\"f:cpu\":{},"
            + "\"f:memory\":{}}},\"f:terminationMessagePath\":{},\"f:terminationMessagePolicy\":{}}},"
            + "\"f:dnsPolicy\":{},\"f:enableServiceLinks\":{},\"f:restartPolicy\":{},\"f:schedulerName\":{},"
            + "\"f:securityContext\":{},\"f:terminationGracePeriodSeconds\":{}}}";

    private static final String POD_STATUS_FIELDS = "{\"f:status\":{\"f:conditions\":{"
            + "\"k:{\\\"type\\\":\\\"ContainersReady\\\"}\":{\".\":{},\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},"
            + "\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Initialized\\\"}\":{\".\":{},\"f:lastProbeTime\":{},"
            + "\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}},\"k:{\\\"type\\\":\\\"Ready\\\"}\":{\".\":{},"
            + "\"f:lastProbeTime\":{},\"f:lastTransitionTime\":{},\"f:status\":{},\"f:type\":{}}},"
            + "\"f:containerStatuses\":{},\"f:hostIP\":{},\"f:hostIPs\":{},\"f:phase\":{},\"f:podIP\":{},"
            + "\"f:podIPs\":{\".\":{},\"k:{\\\"ip\\\":\\\"10.244.0.1\\\"}\":{\".\":{},\"f:ip\":{}}},\"f:startTime\":{}}}";

    private PodJson() {
    }

    /** The generated details of a pod that its document and its table row share. */
    record Look(String created, String started, String ready, String ownerUid, String image,
            String tokenVolume, String hostIp, String podIp, int cpuRequest, int memoryRequest, String uid,
            int restarts, SplittableRandom random) {
    }

    static Look look(SimPod pod) {
        SplittableRandom random = new SplittableRandom(pod.seed());
        String created = SimJson.time(pod.createdEpochSecond());
        String started = SimJson.time(pod.createdEpochSecond() + 2 + random.nextInt(20));
        String ready = SimJson.time(pod.createdEpochSecond() + 25 + random.nextInt(40));
        String ownerUid = SimJson.uid(new SplittableRandom(pod.app().hashCode() * 31L + pod.namespace().hashCode()));
        String registry = SimJson.REGISTRIES[Math.floorMod(pod.app().hashCode(), SimJson.REGISTRIES.length)];
        String image = registry + "/" + pod.app() + ":1." + Math.floorMod(pod.app().hashCode(), 30) + "." + random.nextInt(8);
        String tokenVolume = "kube-api-access-" + SimJson.randomName(random, 5);
        boolean scheduled = pod.nodeName() != null;
        String hostIp = scheduled ? "10.0." + Math.floorMod(pod.nodeName().hashCode(), 256) + "." + Math.floorMod(pod.nodeName().hashCode() >> 8, 256) : null;
        String podIp = "10.244." + random.nextInt(256) + "." + (1 + random.nextInt(254));
        int cpuRequest = 50 * (1 + random.nextInt(8));
        int memoryRequest = 64 * (1 + random.nextInt(16));
        String uid = SimJson.uid(random);
        int restarts = random.nextInt(10) == 0 ? 1 + random.nextInt(4) : 0;
        return new Look(created, started, ready, ownerUid, image, tokenVolume, hostIp, podIp, cpuRequest, memoryRequest,
                uid, restarts, random);
    }

    static void write(JsonGenerator g, SimPod pod, boolean withKind) {
        Look look = look(pod);
        g.writeStartObject();
        if (withKind) {
            g.writeStringProperty("kind", "Pod");
            g.writeStringProperty("apiVersion", "v1");
        }
        metadata(g, pod, look);
        spec(g, pod, look);
        status(g, pod, look);
        g.writeEndObject();
    }

    private static void spec(JsonGenerator g, SimPod pod, Look look) {
        String image = look.image();
        String tokenVolume = look.tokenVolume();
        boolean scheduled = pod.nodeName() != null;
        int cpuRequest = look.cpuRequest();
        int memoryRequest = look.memoryRequest();
        g.writeObjectPropertyStart("spec");
        g.writeArrayPropertyStart("volumes");
        g.writeStartObject();
        g.writeStringProperty("name", "config");
        g.writeObjectPropertyStart("configMap");
        g.writeStringProperty("name", pod.app() + "-config");
        g.writeNumberProperty("defaultMode", 420);
        g.writeEndObject();
        g.writeEndObject();
        g.writeStartObject();
        g.writeStringProperty("name", tokenVolume);
        g.writeObjectPropertyStart("projected");
        g.writeArrayPropertyStart("sources");
        g.writeStartObject();
        g.writeObjectPropertyStart("serviceAccountToken");
        g.writeNumberProperty("expirationSeconds", 3607);
        g.writeStringProperty("path", "token");
        g.writeEndObject();
        g.writeEndObject();
        g.writeStartObject();
        g.writeObjectPropertyStart("configMap");
        g.writeStringProperty("name", "kube-root-ca.crt");
        g.writeArrayPropertyStart("items");
        g.writeStartObject();
        g.writeStringProperty("key", "ca.crt");
        g.writeStringProperty("path", "ca.crt");
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.writeStartObject();
        g.writeObjectPropertyStart("downwardAPI");
        g.writeArrayPropertyStart("items");
        g.writeStartObject();
        g.writeStringProperty("path", "namespace");
        g.writeObjectPropertyStart("fieldRef");
        g.writeStringProperty("apiVersion", "v1");
        g.writeStringProperty("fieldPath", "metadata.namespace");
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();
        g.writeNumberProperty("defaultMode", 420);
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndArray();

        g.writeArrayPropertyStart("containers");
        g.writeStartObject();
        g.writeStringProperty("name", "app");
        g.writeStringProperty("image", image);
        g.writeArrayPropertyStart("ports");
        g.writeStartObject();
        g.writeStringProperty("name", "http");
        g.writeNumberProperty("containerPort", 8080);
        g.writeStringProperty("protocol", "TCP");
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayPropertyStart("env");
        g.writeStartObject();
        g.writeStringProperty("name", "LOG_LEVEL");
        g.writeStringProperty("value", "info");
        g.writeEndObject();
        g.writeEndArray();
        g.writeObjectPropertyStart("resources");
        g.writeObjectPropertyStart("limits");
        g.writeStringProperty("memory", memoryRequest * 2 + "Mi");
        g.writeEndObject();
        g.writeObjectPropertyStart("requests");
        g.writeStringProperty("cpu", cpuRequest + "m");
        g.writeStringProperty("memory", memoryRequest + "Mi");
        g.writeEndObject();
        g.writeEndObject();
        g.writeArrayPropertyStart("volumeMounts");
        volumeMount(g, "config", "/etc/" + pod.app());
        volumeMount(g, tokenVolume, "/var/run/secrets/kubernetes.io/serviceaccount");
        g.writeEndArray();
        probe(g, "livenessProbe", "/healthz");
        g.writeStringProperty("terminationMessagePath", "/dev/termination-log");
        g.writeStringProperty("terminationMessagePolicy", "File");
        g.writeStringProperty("imagePullPolicy", "IfNotPresent");
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringProperty("restartPolicy", pod.workload() == SimPod.Workload.JOB ? "OnFailure" : "Always");
        g.writeNumberProperty("terminationGracePeriodSeconds", 30);
        g.writeStringProperty("dnsPolicy", "ClusterFirst");
        g.writeStringProperty("serviceAccountName", "default");
        g.writeStringProperty("serviceAccount", "default");
        if (scheduled) {
            g.writeStringProperty("nodeName", pod.nodeName());
        }
        g.writeObjectPropertyStart("securityContext");
        g.writeNumberProperty("fsGroup", 2000);
        g.writeEndObject();
        g.writeStringProperty("schedulerName", "default-scheduler");
        g.writeArrayPropertyStart("tolerations");
        toleration(g, "node.kubernetes.io/not-ready");
        toleration(g, "node.kubernetes.io/unreachable");
        g.writeEndArray();
        g.writeNumberProperty("priority", 0);
        g.writeBooleanProperty("enableServiceLinks", true);
        g.writeStringProperty("preemptionPolicy", "PreemptLowerPriority");
        g.writeEndObject();
    }

    private static void status(JsonGenerator g, SimPod pod, Look look) {
        SplittableRandom random = look.random();
        String created = look.created();
        String started = look.started();
        String ready = look.ready();
        String image = look.image();
        String tokenVolume = look.tokenVolume();
        boolean scheduled = pod.nodeName() != null;
        String hostIp = look.hostIp();
        String podIp = look.podIp();
        g.writeObjectPropertyStart("status");
        g.writeStringProperty("phase", pod.phase().apiName());
        g.writeArrayPropertyStart("conditions");
        if (!scheduled) {
            g.writeStartObject();
            g.writeStringProperty("type", "PodScheduled");
            g.writeStringProperty("status", "False");
            g.writeName("lastProbeTime");
            g.writeNull();
            g.writeStringProperty("lastTransitionTime", created);
            g.writeStringProperty("reason", "Unschedulable");
            g.writeStringProperty("message", "0/" + (5 + random.nextInt(100)) + " nodes are available: insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.");
            g.writeEndObject();
        } else {
            boolean running = pod.phase() == SimPod.Phase.RUNNING;
            podCondition(g, "PodReadyToStartContainers", pod.phase() == SimPod.Phase.PENDING ? "False" : "True", started);
            podCondition(g, "Initialized", "True", created);
            podCondition(g, "Ready", running ? "True" : "False", ready);
            podCondition(g, "ContainersReady", running ? "True" : "False", ready);
            podCondition(g, "PodScheduled", "True", created);
        }
        g.writeEndArray();
        if (!scheduled) {
            g.writeStringProperty("qosClass", "Burstable");
            g.writeEndObject();
            return;
        }
        g.writeStringProperty("hostIP", hostIp);
        g.writeArrayPropertyStart("hostIPs");
        g.writeStartObject();
        g.writeStringProperty("ip", hostIp);
        g.writeEndObject();
        g.writeEndArray();
        if (pod.phase() != SimPod.Phase.PENDING) {
            g.writeStringProperty("podIP", podIp);
            g.writeArrayPropertyStart("podIPs");
            g.writeStartObject();
            g.writeStringProperty("ip", podIp);
            g.writeEndObject();
            g.writeEndArray();
        }
        g.writeStringProperty("startTime", started);
        g.writeArrayPropertyStart("containerStatuses");
        g.writeStartObject();
        g.writeStringProperty("name", "app");
        g.writeObjectPropertyStart("state");
        switch (pod.phase()) {
            case RUNNING -> {
                g.writeObjectPropertyStart("running");
                g.writeStringProperty("startedAt", started);
                g.writeEndObject();
            }
            case PENDING -> {
                g.writeObjectPropertyStart("waiting");
                g.writeStringProperty("reason", "ContainerCreating");
                g.writeEndObject();
            }
            default -> {
                boolean ok = pod.phase() == SimPod.Phase.SUCCEEDED;
                g.writeObjectPropertyStart("terminated");
                g.writeNumberProperty("exitCode", ok ? 0 : 137);
                g.writeStringProperty("reason", ok ? "Completed" : "OOMKilled");
                g.writeStringProperty("startedAt", started);
                g.writeStringProperty("finishedAt", ready);
                g.writeStringProperty("containerID", "containerd://" + SimJson.hex(random, 64));
                g.writeEndObject();
            }
        }
        g.writeEndObject();
        g.writeObjectPropertyStart("lastState");
        g.writeEndObject();
        g.writeBooleanProperty("ready", pod.phase() == SimPod.Phase.RUNNING);
        g.writeNumberProperty("restartCount", look.restarts());
        g.writeStringProperty("image", image);
        if (pod.phase() != SimPod.Phase.PENDING) {
            g.writeStringProperty("imageID", image.substring(0, image.lastIndexOf(':')) + "@sha256:" + SimJson.hex(random, 64));
            g.writeStringProperty("containerID", "containerd://" + SimJson.hex(random, 64));
        }
        g.writeBooleanProperty("started", pod.phase() == SimPod.Phase.RUNNING);
        g.writeArrayPropertyStart("volumeMounts");
        volumeMountStatus(g, "config", "/etc/" + pod.app());
        volumeMountStatus(g, tokenVolume, "/var/run/secrets/kubernetes.io/serviceaccount");
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndArray();
        g.writeStringProperty("qosClass", "Burstable");
        g.writeEndObject();
    }

    static void metadata(JsonGenerator g, SimPod pod, Look look) {
        g.writeObjectPropertyStart("metadata");
        g.writeStringProperty("name", pod.name());
        if (pod.workload() != SimPod.Workload.STATEFUL_SET) {
            g.writeStringProperty("generateName", pod.name().substring(0, pod.name().lastIndexOf('-') + 1));
        }
        g.writeStringProperty("namespace", pod.namespace());
        g.writeStringProperty("uid", look.uid());
        g.writeStringProperty("resourceVersion", Long.toString(pod.resourceVersion()));
        g.writeStringProperty("creationTimestamp", look.created());
        g.writeObjectPropertyStart("labels");
        g.writeStringProperty("app.kubernetes.io/instance", pod.app());
        g.writeStringProperty("app.kubernetes.io/name", pod.app());
        String ownerKind;
        String ownerName;
        String ownerApi = "apps/v1";
        switch (pod.workload()) {
            case DAEMON_SET -> {
                g.writeStringProperty("controller-revision-hash", SimJson.randomName(new SplittableRandom(pod.app().hashCode()), 10));
                g.writeStringProperty("pod-template-generation", "3");
                ownerKind = "DaemonSet";
                ownerName = pod.app();
            }
            case STATEFUL_SET -> {
                g.writeStringProperty("apps.kubernetes.io/pod-index", pod.name().substring(pod.name().lastIndexOf('-') + 1));
                g.writeStringProperty("controller-revision-hash", pod.app() + "-" + SimJson.randomName(new SplittableRandom(pod.app().hashCode()), 10));
                g.writeStringProperty("statefulset.kubernetes.io/pod-name", pod.name());
                ownerKind = "StatefulSet";
                ownerName = pod.app();
            }
            case JOB -> {
                ownerName = pod.name().substring(0, pod.name().lastIndexOf('-'));
                g.writeStringProperty("batch.kubernetes.io/controller-uid", look.ownerUid());
                g.writeStringProperty("batch.kubernetes.io/job-name", ownerName);
                g.writeStringProperty("controller-uid", look.ownerUid());
                g.writeStringProperty("job-name", ownerName);
                ownerKind = "Job";
                ownerApi = "batch/v1";
            }
            default -> {
                ownerName = pod.name().substring(0, pod.name().lastIndexOf('-'));
                g.writeStringProperty("pod-template-hash", ownerName.substring(ownerName.lastIndexOf('-') + 1));
                ownerKind = "ReplicaSet";
            }
        }
        g.writeEndObject();
        g.writeObjectPropertyStart("annotations");
        g.writeStringProperty("prometheus.io/port", "8080");
        g.writeStringProperty("prometheus.io/scrape", "true");
        g.writeEndObject();
        g.writeArrayPropertyStart("ownerReferences");
        g.writeStartObject();
        g.writeStringProperty("apiVersion", ownerApi);
        g.writeStringProperty("kind", ownerKind);
        g.writeStringProperty("name", ownerName);
        g.writeStringProperty("uid", look.ownerUid());
        g.writeBooleanProperty("controller", true);
        g.writeBooleanProperty("blockOwnerDeletion", true);
        g.writeEndObject();
        g.writeEndArray();
        g.writeArrayPropertyStart("managedFields");
        SimJson.managedField(g, "kube-controller-manager", "Update", look.created(), null, POD_SPEC_FIELDS);
        if (pod.nodeName() != null) {
            SimJson.managedField(g, "kubelet", "Update", look.ready(), "status", POD_STATUS_FIELDS);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void podCondition(JsonGenerator g, String type, String status, String transition) {
        g.writeStartObject();
        g.writeStringProperty("type", type);
        g.writeStringProperty("status", status);
        g.writeName("lastProbeTime");
        g.writeNull();
        g.writeStringProperty("lastTransitionTime", transition);
        g.writeEndObject();
    }

    private static void volumeMount(JsonGenerator g, String name, String path) {
        g.writeStartObject();
        g.writeStringProperty("name", name);
        g.writeBooleanProperty("readOnly", true);
        g.writeStringProperty("mountPath", path);
        g.writeEndObject();
    }

    private static void volumeMountStatus(JsonGenerator g, String name, String path) {
        g.writeStartObject();
        g.writeStringProperty("name", name);
        g.writeStringProperty("mountPath", path);
        g.writeBooleanProperty("readOnly", true);
        g.writeEndObject();
    }

    private static void probe(JsonGenerator g, String name, String path) {
        g.writeObjectPropertyStart(name);
        g.writeObjectPropertyStart("httpGet");
        g.writeStringProperty("path", path);
        g.writeNumberProperty("port", 8080);
        g.writeStringProperty("scheme", "HTTP");
        g.writeEndObject();
        g.writeNumberProperty("initialDelaySeconds", 10);
        g.writeNumberProperty("timeoutSeconds", 1);
        g.writeNumberProperty("periodSeconds", 10);
        g.writeNumberProperty("successThreshold", 1);
        g.writeNumberProperty("failureThreshold", 3);
        g.writeEndObject();
    }

    private static void toleration(JsonGenerator g, String key) {
        g.writeStartObject();
        g.writeStringProperty("key", key);
        g.writeStringProperty("operator", "Exists");
        g.writeStringProperty("effect", "NoExecute");
        g.writeNumberProperty("tolerationSeconds", 300);
        g.writeEndObject();
    }
}
