namespace OrleansKaitoScaler.Silo.Hosting;

/// <summary>The command-line flags and the configuration keys they set; every flag also works as a key.</summary>
internal static class CommandLine
{
    public static IReadOnlyDictionary<string, string> SwitchMappings { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--inventory"] = "Standalone:Inventory",
        ["--grpc-port"] = "Gateway:GrpcPort",
        ["--metrics-port"] = "Gateway:MetricsPort",
        ["--health-port"] = "Gateway:HealthPort",
        ["--otlp-endpoint"] = "Telemetry:OtlpEndpoint",
        ["--otlp-protocol"] = "Telemetry:OtlpProtocol",
        ["--listen"] = "Gateway:ListenAddress",
        ["--silo-port"] = "Orleans:SiloPort",
        ["--gateway-port"] = "Orleans:GatewayPort",
        ["--primary-silo-port"] = "Orleans:PrimarySiloPort",
        ["--scrape-interval"] = "Scrape:Interval",
        ["--kubernetes"] = "Kubernetes:Enabled",
        ["--kubeconfig"] = "Kubernetes:Kubeconfig",
    };

    /// <summary>Flags that may stand alone; <c>--kubernetes</c> means <c>--kubernetes true</c>.</summary>
    private static readonly string[] BareSwitches = ["--kubernetes"];

    /// <summary>Gives a bare switch its implied <c>true</c>, so the configuration binder sees a value.</summary>
    public static string[] Normalize(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new List<string>(args.Length + 1);
        for (var i = 0; i < args.Length; i++)
        {
            result.Add(args[i]);
            if (BareSwitches.Contains(args[i], StringComparer.Ordinal) && (i + 1 == args.Length || args[i + 1].StartsWith('-')))
            {
                result.Add("true");
            }
        }

        return [.. result];
    }

    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    public static string Help => """
        Orleans KAITO Scaler: a KEDA external scaler for KAITO InferenceSets.

        Usage: dotnet run --project Silo -- [options]

        Standalone mode (the default outside a cluster): one silo with localhost clustering, InferenceSets from a
        YAML file, plaintext gRPC for KEDA on 127.0.0.1.
        Kubernetes mode (automatic in a pod, or --kubernetes): InferenceSets and Workspaces from a list+watch of the
        Kubernetes API (kubeconfig like kubectl: --kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster); listens on
        0.0.0.0 unless --listen says otherwise; start-up fails if the InferenceSet, Workspace or ScaledObject API is missing.

        Options (configuration key in brackets; environment variables use __ for :):
          --inventory <file>          inventory YAML, reloaded on change   [Standalone:Inventory]   default inventory.yaml
          --grpc-port <port>          KEDA gRPC port                       [Gateway:GrpcPort]       default 10450
          --metrics-port <port>       /metrics, /inferencesets, /dashboard [Gateway:MetricsPort]    default 10451
                                      and HTTP probes /healthz, /readyz
          --health-port <port>        gRPC health (liveness, readiness)    [Gateway:HealthPort]     default 10452
          --otlp-endpoint <url>       OTLP export of traces and metrics    [Telemetry:OtlpEndpoint] default off
          --otlp-protocol <name>      grpc or http/protobuf                [Telemetry:OtlpProtocol] default grpc
          --listen <address>          address both ports bind              [Gateway:ListenAddress]  default 127.0.0.1
          --silo-port <port>          Orleans silo port                    [Orleans:SiloPort]       default 11111
          --gateway-port <port>       Orleans client gateway port          [Orleans:GatewayPort]    default 30000
          --primary-silo-port <port>  join the silo on this port           [Orleans:PrimarySiloPort]
          --scrape-interval <time>    scrape interval, e.g. 00:00:15       [Scrape:Interval]        default 00:00:15
          --kubernetes [true|false]   Kubernetes mode                      [Kubernetes:Enabled]     default: in a pod
          --kubeconfig <file>         kubeconfig for Kubernetes mode       [Kubernetes:Kubeconfig]  default like kubectl
          -h, --help                  show this help

        More keys: Scrape:StaleAfterIntervals (3), Scrape:TargetTtl (00:20:00), Scrape:MaxResponseBytes (4194304),
        Scrape:AllowUntrustedCertificates (false), Standalone:PollInterval (00:00:01),
        Kubernetes:KaitoApiVersion (v1beta1), Kubernetes:WatchTimeout (00:05:00), Kubernetes:InitialBackoff (00:00:01),
        Kubernetes:MaxBackoff (00:00:30), Kubernetes:ListPageSize (500),
        Orleans:ClusterId and Orleans:ServiceId (orleans-kaito-scaler), Orleans:AdvertisedAddress (POD_IP, else the listen address),
        Orleans:MembershipStore (kubernetes in Kubernetes mode, redis with Orleans:RedisConnectionString, or localhost),
        Orleans:KubernetesHosting (on in a pod), Membership:Namespace (the pod's), Membership:ConfigMapNamePrefix,
        Membership:MaxConflictRetries (5).

        mTLS on the gRPC port (Kubernetes mode; certificates in Secrets of Provisioning:ScalerNamespace): Certificates:Enabled
        (true in Kubernetes mode, false in standalone mode; false serves plaintext), Certificates:Lifetime (1825.00:00:00),
        Certificates:CaLifetime (3650.00:00:00), Certificates:ServerSecretName (keda-kaito-scaler-server-certs),
        Certificates:ClientSecretName (keda-kaito-scaler-client-certs), Certificates:RolloverOverlap (7.00:00:00),
        Certificates:CheckInterval (01:00:00),
        Certificates:RetryDelay (00:00:10).

        Auto-provisioning (Kubernetes mode; ScaledObjects for InferenceSets annotated scaledobject.kaito.sh/auto-provision,
        written only by the replica holding the Lease): Provisioning:Enabled (true), Provisioning:ScalerServiceName
        (keda-kaito-scaler-svc), Provisioning:ScalerNamespace (POD_NAMESPACE, else the service account's, else keda),
        Provisioning:GrpcPort (10450), Provisioning:AuthenticationName (keda-kaito-scaler-creds), Provisioning:ManagedBy
        (keda-kaito-scaler), Provisioning:ResyncInterval (00:10:00), Provisioning:InitialRetryDelay (00:00:00.050),
        Provisioning:MaxRetryDelay (00:05:00), Provisioning:ReconcilesPerSecond (20), Provisioning:ReconcileBurst (100),
        Provisioning:MaxConcurrentReconciles (4), LeaderElection:LeaseName (keda-kaito-scaler), LeaderElection:LeaseNamespace
        (Provisioning:ScalerNamespace), LeaderElection:LeaseDuration (00:00:15), LeaderElection:RenewDeadline (00:00:10),
        LeaderElection:RetryPeriod (00:00:02), LeaderElection:Identity (POD_NAME, else host name and a random suffix),
        LeaderElection:ReleaseOnShutdown (true).
        """;
}
