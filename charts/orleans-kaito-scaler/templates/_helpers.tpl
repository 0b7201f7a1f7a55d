{{/* The chart's name, or nameOverride. */}}
{{- define "oks.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Name of the namespaced objects: fullnameOverride, else the release name when it contains the chart's name, else both. */}}
{{- define "oks.fullname" -}}
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

{{/* Cluster-scoped objects carry the namespace too, so two releases in different namespaces never share a ClusterRole. */}}
{{- define "oks.clusterName" -}}
{{- printf "%s-%s" (include "oks.fullname" .) .Release.Namespace | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "oks.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "oks.selectorLabels" -}}
app.kubernetes.io/name: {{ include "oks.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "oks.labels" -}}
helm.sh/chart: {{ include "oks.chart" . }}
{{ include "oks.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: orleans-kaito-scaler
{{- end }}

{{- define "oks.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "oks.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Orleans ClusterId: one per release by default, so two releases never join one cluster. */}}
{{- define "oks.clusterId" -}}
{{- default (include "oks.fullname" .) .Values.orleans.clusterId }}
{{- end }}

{{/* The fewest replicas the Deployment runs: the HPA's minimum when it is on. */}}
{{- define "oks.minReplicas" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{- define "oks.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
