{{/* The install notes, as a named template so the chart checks can render them offline (helm 3 `install --dry-run` still dials the cluster: helm/helm#13144). */}}
{{- define "hopscope.notes" -}}
{{- $fullname := include "hopscope.fullname" . -}}
{{- $namespace := .Release.Namespace -}}
hopscope {{ .Chart.AppVersion }} is installed as "{{ .Release.Name }}" in namespace {{ $namespace }}.

Open the dashboard:

  kubectl --namespace {{ $namespace }} port-forward svc/{{ $fullname }} 3000:{{ .Values.service.port }}

  then browse http://localhost:3000
{{- if .Values.ingress.enabled }}

Through the Ingress:

  {{ include "hopscope.publicUrl" . }}{{ .Values.ingress.path }}
{{- end }}
{{- if eq .Values.service.type "NodePort" }}

On a node (NodePort Service):

  NODE_PORT=$(kubectl --namespace {{ $namespace }} get svc {{ $fullname }} -o jsonpath='{.spec.ports[0].nodePort}')
  NODE_IP=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
  echo "http://$NODE_IP:$NODE_PORT"
{{- else if eq .Values.service.type "LoadBalancer" }}

Through the load balancer (its address can take a minute to appear):

  SERVICE_IP=$(kubectl --namespace {{ $namespace }} get svc {{ $fullname }} -o jsonpath='{.status.loadBalancer.ingress[0].ip}')
  echo "http://$SERVICE_IP:{{ .Values.service.port }}"
{{- end }}
{{- if .Values.echo.enabled }}

Probe targets: the echo {{ .Values.echo.kind }} "{{ include "hopscope.echo.fullname" . }}" and its Services:

  kubectl --namespace {{ $namespace }} get svc -l hopscope.io/probe-target=true

Probes are sent only when you ask for them (the "Run probes" button or POST /api/v1/traces).
{{- end }}

Listing and deleting snapshots needs the admin token (opening a shared link does not):

  TOKEN=$(kubectl --namespace {{ $namespace }} get secret {{ include "hopscope.snapshotAdminSecret" . }} -o jsonpath='{.data.{{ .Values.snapshots.adminToken.key }}}' | base64 -d)
  curl -H "Authorization: Bearer $TOKEN" http://localhost:3000/api/v1/snapshots
{{- if eq .Values.snapshots.store "file" }}

Snapshots are kept in an emptyDir and lost with the pod; set snapshots.store=configmap to keep them.
{{- end }}
{{- end }}
