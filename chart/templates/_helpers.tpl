{{/* Chart name, overridable. */}}
{{- define "hopscope.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release name, prefixed with the chart name unless it already contains it. */}}
{{- define "hopscope.fullname" -}}
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

{{- define "hopscope.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels shared by every object of the release. */}}
{{- define "hopscope.commonLabels" -}}
helm.sh/chart: {{ include "hopscope.chart" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hopscope
{{- end }}

{{- define "hopscope.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hopscope.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "hopscope.labels" -}}
{{ include "hopscope.commonLabels" . }}
{{ include "hopscope.selectorLabels" . }}
{{- end }}

{{- define "hopscope.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hopscope.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "hopscope.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Echo probe targets. Discovery finds them by `app.kubernetes.io/name: hopscope-echo`, so that name is fixed
(not derived from nameOverride); the component tells the pod-network echo from the hostNetwork one.
*/}}
{{- define "hopscope.echo.fullname" -}}
{{- printf "%s-echo" (include "hopscope.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "hopscope.echo.selectorLabels" -}}
app.kubernetes.io/name: hopscope-echo
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: echo
{{- end }}

{{- define "hopscope.echo.labels" -}}
{{ include "hopscope.commonLabels" . }}
{{ include "hopscope.echo.selectorLabels" . }}
{{- end }}

{{- define "hopscope.echo.hostNetworkSelectorLabels" -}}
app.kubernetes.io/name: hopscope-echo
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: echo-host-network
{{- end }}

{{/* Pod securityContext: the values are merged over a hardened default, so an override keeps the rest. */}}
{{- define "hopscope.podSecurityContext" -}}
{{- $hardened := dict "runAsNonRoot" true "runAsUser" 65532 "runAsGroup" 65532 "fsGroup" 65532 "seccompProfile" (dict "type" "RuntimeDefault") }}
{{- toYaml (mergeOverwrite $hardened (deepCopy .Values.podSecurityContext)) }}
{{- end }}

{{- define "hopscope.securityContext" -}}
{{- $hardened := dict "runAsNonRoot" true "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault") }}
{{- toYaml (mergeOverwrite $hardened (deepCopy .Values.securityContext)) }}
{{- end }}

{{/* Base URL of share links: explicit, else the dashboard Ingress, else empty (derived per request). */}}
{{- define "hopscope.publicUrl" -}}
{{- if .Values.config.publicUrl }}
{{- .Values.config.publicUrl }}
{{- else if .Values.ingress.enabled }}
{{- printf "%s://%s" (ternary "https" "http" .Values.ingress.tls.enabled) .Values.ingress.host }}
{{- end }}
{{- end }}

{{/* The Secret holding the snapshot admin token: the user's, or the one the chart creates. */}}
{{- define "hopscope.snapshotAdminSecret" -}}
{{- .Values.snapshots.adminToken.existingSecret | default (printf "%s-snapshot-admin" (include "hopscope.fullname" .)) }}
{{- end }}

{{/* Host names the dashboard answers for besides localhost and IPs: its Service's DNS names, the Ingress host, extras. */}}
{{- define "hopscope.allowedHosts" -}}
{{- $svc := include "hopscope.fullname" . }}
{{- $hosts := list $svc (printf "%s.%s" $svc .Release.Namespace) (printf "%s.%s.svc" $svc .Release.Namespace) (printf "%s.%s.svc.cluster.local" $svc .Release.Namespace) }}
{{- if .Values.ingress.enabled }}{{ $hosts = append $hosts .Values.ingress.host }}{{ end }}
{{- join "," (concat $hosts .Values.config.allowedHosts) }}
{{- end }}
