{{/* Chart name, at most 63 characters. */}}
{{- define "podtally.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Release-qualified name; the release name alone when it already contains the chart name. */}}
{{- define "podtally.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "podtally.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "podtally.labels" -}}
helm.sh/chart: {{ include "podtally.chart" . }}
app.kubernetes.io/name: {{ include "podtally.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector of the podtally pods; the bundled Redis pods differ in component. */}}
{{- define "podtally.selectorLabels" -}}
app.kubernetes.io/name: {{ include "podtally.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end }}

{{- define "podtally.redis.fullname" -}}
{{- printf "%s-redis" (include "podtally.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "podtally.redis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "podtally.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: redis
{{- end }}

{{- define "podtally.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "podtally.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "podtally.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret holding the admin token and the Redis password: an existing one or the chart's. */}}
{{- define "podtally.secretName" -}}
{{- default (include "podtally.fullname" .) .Values.existingSecret.name }}
{{- end }}

{{- define "podtally.adminTokenKey" -}}
{{- if .Values.existingSecret.name }}
{{- .Values.existingSecret.adminTokenKey }}
{{- else if .Values.podtally.adminToken }}
{{- "admin-token" }}
{{- end }}
{{- end }}

{{/* The Redis password the chart stores in its own Secret, empty when there is none. */}}
{{- define "podtally.redis.password" -}}
{{- if .Values.redis.bundled.enabled }}
{{- .Values.redis.bundled.password }}
{{- else }}
{{- .Values.redis.external.password }}
{{- end }}
{{- end }}

{{- define "podtally.redisPasswordKey" -}}
{{- if .Values.existingSecret.name }}
{{- .Values.existingSecret.redisPasswordKey }}
{{- else if include "podtally.redis.password" . }}
{{- "redis-password" }}
{{- end }}
{{- end }}

{{- define "podtally.redis.host" -}}
{{- if .Values.redis.bundled.enabled }}
{{- include "podtally.redis.fullname" . }}
{{- else }}
{{- .Values.redis.external.host }}
{{- end }}
{{- end }}

{{/* Which Redis the chart configures: bundled, sentinel, cluster, external, or empty for none. */}}
{{- define "podtally.redis.kind" -}}
{{- if .Values.redis.bundled.enabled }}
{{- "bundled" }}
{{- else if .Values.redis.sentinel.master }}
{{- "sentinel" }}
{{- else if .Values.redis.cluster.nodes }}
{{- "cluster" }}
{{- else if .Values.redis.external.host }}
{{- "external" }}
{{- end }}
{{- end }}

{{- define "podtally.redis.tlsDir" -}}
/etc/podtally/redis-tls
{{- end }}

{{/* Whether podtally talks TLS to Redis: redis.tls.enabled or redis.external.tls, never to the bundled one. */}}
{{- define "podtally.redis.tls" -}}
{{- if and (not .Values.redis.bundled.enabled) (or .Values.redis.tls.enabled .Values.redis.external.tls) }}
{{- "true" }}
{{- end }}
{{- end }}

{{- define "podtally.kubeconfigDir" -}}
/etc/podtally/kubeconfigs
{{- end }}

{{/* The store podtally runs on: redis whenever the chart configures a Redis (bundled or external), unless memory is asked for. */}}
{{- define "podtally.store" -}}
{{- if and (include "podtally.redis.kind" .) (ne .Values.podtally.store "memory") }}
{{- "redis" }}
{{- else }}
{{- .Values.podtally.store }}
{{- end }}
{{- end }}

{{/* podtally's application.yaml, extraConfig merged over the chart's settings. */}}
{{- define "podtally.applicationConfig" -}}
{{- $pc := .Values.podtally.podcounts }}
{{- $clusters := dict "in-cluster" .Values.podtally.clusters.inCluster }}
{{- with .Values.podtally.clusters.kubeconfigSecret }}
{{- if .name }}
{{- $paths := list }}
{{- range .keys }}
{{- $paths = append $paths (printf "%s/%s" (include "podtally.kubeconfigDir" $) .) }}
{{- end }}
{{- $_ := set $clusters "kubeconfig" (join "," $paths) }}
{{- end }}
{{- end }}
{{- $podtally := dict
      "store" (include "podtally.store" .)
      "clusters" $clusters
      "podcounts" (dict
        "fresh-for" $pc.freshFor
        "stale-for" $pc.staleFor
        "retention" $pc.retention
        "page-size" $pc.pageSize
        "page-timeout" $pc.pageTimeout
        "max-pages" $pc.maxPages
        "refresh-deadline" $pc.refreshDeadline) }}
{{- with .Values.podtally.nearCache }}
{{- $near := dict }}
{{- if not (kindIs "invalid" .enabled) }}
{{- $_ := set $near "enabled" .enabled }}
{{- end }}
{{- if .maxClusters }}
{{- $_ := set $near "max-clusters" .maxClusters }}
{{- end }}
{{- $_ := set $podtally "redis" (dict "near-cache" $near) }}
{{- end }}
{{- if not (kindIs "invalid" .Values.podtally.demo.enabled) }}
{{- $_ := set $podtally "demo" (dict "enabled" .Values.podtally.demo.enabled) }}
{{- end }}
{{- $redis := dict }}
{{- $ssl := dict }}
{{- $kind := include "podtally.redis.kind" . }}
{{- if eq $kind "bundled" }}
{{- $redis = dict "host" (include "podtally.redis.fullname" .) "port" 6379 }}
{{- else if $kind }}
{{- with .Values.redis.external }}
{{- if eq $kind "sentinel" }}
{{- $sentinel := dict "master" $.Values.redis.sentinel.master "nodes" (join "," $.Values.redis.sentinel.nodes) }}
{{- with $.Values.redis.sentinel.username }}
{{- $_ := set $sentinel "username" . }}
{{- end }}
{{- $redis = dict "sentinel" $sentinel "database" .database }}
{{- else if eq $kind "cluster" }}
{{- $redis = dict "cluster" (dict "nodes" (join "," $.Values.redis.cluster.nodes)) }}
{{- else }}
{{- $redis = dict "host" .host "port" .port "database" .database }}
{{- end }}
{{- if .username }}
{{- $_ := set $redis "username" .username }}
{{- end }}
{{- end }}
{{- $tls := dict "enabled" (eq (include "podtally.redis.tls" .) "true") }}
{{- with .Values.redis.tls }}
{{- if and $tls.enabled (or .caSecret .clientSecret) }}
{{- $_ := set $tls "bundle" "redis" }}
{{- $pem := dict }}
{{- if .caSecret }}
{{- $_ := set $pem "truststore" (dict "certificate" (printf "file:%s/ca/%s" (include "podtally.redis.tlsDir" $) .caKey)) }}
{{- end }}
{{- if .clientSecret }}
{{- $_ := set $pem "keystore" (dict
      "certificate" (printf "file:%s/client/%s" (include "podtally.redis.tlsDir" $) .certKey)
      "private-key" (printf "file:%s/client/%s" (include "podtally.redis.tlsDir" $) .keyKey)) }}
{{- end }}
{{- $ssl = dict "bundle" (dict "pem" (dict "redis" $pem)) }}
{{- end }}
{{- end }}
{{- $_ := set $redis "ssl" $tls }}
{{- end }}
{{- $config := dict
      "podtally" $podtally
      "server" (dict "port" 8080 "shutdown" "graceful")
      "spring" (dict "lifecycle" (dict "timeout-per-shutdown-phase" .Values.shutdownTimeout))
      "management" (dict
        "endpoint" (dict "health" (dict "probes" (dict "enabled" true)))
        "endpoints" (dict "web" (dict "exposure" (dict "include" "health,info,prometheus")))) }}
{{- if $redis }}
{{- $_ := set $config.spring "data" (dict "redis" $redis) }}
{{- end }}
{{- if $ssl }}
{{- $_ := set $config.spring "ssl" $ssl }}
{{- end }}
{{- toYaml (mergeOverwrite $config (deepCopy .Values.podtally.extraConfig)) }}
{{- end }}

{{/* A duration of values.yaml (90s, 10m, 2h or ISO-8601 such as PT10M) in whole seconds, for PromQL. */}}
{{- define "podtally.seconds" -}}
{{- $v := upper (toString .value) }}
{{- $v = trimPrefix "PT" $v }}
{{- if regexMatch "^[0-9]+S$" $v }}
{{- trimSuffix "S" $v }}
{{- else if regexMatch "^[0-9]+M$" $v }}
{{- mul (trimSuffix "M" $v | atoi) 60 }}
{{- else if regexMatch "^[0-9]+H$" $v }}
{{- mul (trimSuffix "H" $v | atoi) 3600 }}
{{- else }}
{{- fail (printf "%s must be whole seconds, minutes or hours (90s, 10m, 2h, PT10M) for the alert rules, not %v" .name .value) }}
{{- end }}
{{- end }}
