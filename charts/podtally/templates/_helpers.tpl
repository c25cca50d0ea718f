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

{{- define "podtally.kubeconfigDir" -}}
/etc/podtally/kubeconfigs
{{- end }}

{{/* The store podtally runs on: redis whenever the chart configures a Redis (bundled or external), unless memory is asked for. */}}
{{- define "podtally.store" -}}
{{- if and (include "podtally.redis.host" .) (ne .Values.podtally.store "memory") }}
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
{{- $host := include "podtally.redis.host" . }}
{{- if $host }}
{{- $redis = dict "host" $host }}
{{- if .Values.redis.bundled.enabled }}
{{- $_ := set $redis "port" 6379 }}
{{- else }}
{{- with .Values.redis.external }}
{{- $_ := set $redis "port" .port }}
{{- $_ := set $redis "database" .database }}
{{- $_ := set $redis "ssl" (dict "enabled" .tls) }}
{{- if .username }}
{{- $_ := set $redis "username" .username }}
{{- end }}
{{- end }}
{{- end }}
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
{{- toYaml (mergeOverwrite $config (deepCopy .Values.podtally.extraConfig)) }}
{{- end }}
