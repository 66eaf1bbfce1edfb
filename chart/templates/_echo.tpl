{{/*
Pod spec of an echo probe target, shared by the pod-network workload and the hostNetwork DaemonSet.
Call with (dict "root" $ "port" <port> "hostPort" <port or nil> "hostNetwork" <bool>).
*/}}
{{- define "hopscope.echo.podSpec" -}}
{{- $root := .root -}}
# The echo needs no Kubernetes API access.
automountServiceAccountToken: false
{{- if .hostNetwork }}
hostNetwork: true
dnsPolicy: ClusterFirstWithHostNet
{{- end }}
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- include "hopscope.podSecurityContext" $root | nindent 2 }}
containers:
  - name: echo
    image: {{ include "hopscope.image" $root }}
    imagePullPolicy: {{ $root.Values.image.pullPolicy }}
    command: ["node", "echo.mjs", "--port", {{ .port | quote }}]
    ports:
      - name: echo
        containerPort: {{ .port }}
        protocol: TCP
        {{- with .hostPort }}
        hostPort: {{ . }}
        {{- end }}
    env:
      # Downward API: which pod and node answered is part of every echo reply.
      - name: POD_NAME
        valueFrom:
          fieldRef:
            fieldPath: metadata.name
      - name: POD_NAMESPACE
        valueFrom:
          fieldRef:
            fieldPath: metadata.namespace
      - name: POD_IP
        valueFrom:
          fieldRef:
            fieldPath: status.podIP
      - name: NODE_NAME
        valueFrom:
          fieldRef:
            fieldPath: spec.nodeName
    # TCP checks: HTTP probes would fill the echo's replies with kubelet requests.
    readinessProbe:
      tcpSocket:
        port: echo
      periodSeconds: 10
    livenessProbe:
      tcpSocket:
        port: echo
      periodSeconds: 20
    securityContext:
      {{- include "hopscope.securityContext" $root | nindent 6 }}
    resources:
      {{- toYaml $root.Values.echo.resources | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
volumes:
  - name: tmp
    emptyDir: {}
{{- with $root.Values.echo.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.echo.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.echo.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
