namespace OrleansKaitoScaler.KubernetesApiDouble;

/// <summary>A kubeconfig for the double, readable by kubectl and by client libraries alike.</summary>
internal static class Kubeconfig
{
    public static string Render(Uri server, string token) =>
        $"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: kubernetes-api-double
          cluster:
            server: {server.GetLeftPart(UriPartial.Authority)}
            insecure-skip-tls-verify: true
        users:
        - name: kubernetes-api-double
          user:
            token: {token}
        contexts:
        - name: kubernetes-api-double
          context:
            cluster: kubernetes-api-double
            user: kubernetes-api-double
            namespace: default
        current-context: kubernetes-api-double
        preferences: {"{}"}

        """;
}
