using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace OrleansKaitoScaler.KubernetesApiDouble.Tests;

public sealed class CoreResourceTests
{
    [Fact]
    public async Task Pods_are_created_read_listed_and_deleted_through_the_typed_client()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var core = harness.Client.CoreV1;
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "vllm-0", Labels = new Dictionary<string, string> { ["apps"] = "phi" } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "vllm", Image = "vllm/vllm-openai" }] },
        };

        var created = await core.CreateNamespacedPodAsync(pod, "default");
        var read = await core.ReadNamespacedPodAsync("vllm-0", "default");
        var listed = await core.ListNamespacedPodAsync("default", labelSelector: "apps=phi");
        var deleted = await core.DeleteNamespacedPodAsync("vllm-0", "default");
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => core.ReadNamespacedPodAsync("vllm-0", "default"));

        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal("vllm", read.Spec.Containers[0].Name);
        Assert.Equal("vllm-0", Assert.Single(listed.Items).Metadata.Name);
        Assert.Equal("vllm-0", deleted.Metadata.Name);
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task A_lease_replace_with_a_stale_resource_version_is_409_as_leader_election_expects()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var coordination = harness.Client.CoordinationV1;
        var lease = new V1Lease
        {
            Metadata = new V1ObjectMeta { Name = "scaler-leader" },
            Spec = new V1LeaseSpec { HolderIdentity = "silo-a", LeaseDurationSeconds = 15, RenewTime = DateTime.UtcNow },
        };

        var created = await coordination.CreateNamespacedLeaseAsync(lease, "kube-system");
        created.Spec.HolderIdentity = "silo-b";
        var renewed = await coordination.ReplaceNamespacedLeaseAsync(created, "scaler-leader", "kube-system");
        created.Spec.HolderIdentity = "silo-c";
        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => coordination.ReplaceNamespacedLeaseAsync(created, "scaler-leader", "kube-system"));
        var duplicate = await Assert.ThrowsAsync<HttpOperationException>(() => coordination.CreateNamespacedLeaseAsync(lease, "kube-system"));

        Assert.Equal("silo-b", renewed.Spec.HolderIdentity);
        Assert.NotEqual(created.Metadata.ResourceVersion, renewed.Metadata.ResourceVersion);
        Assert.Equal(HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Response.StatusCode);
        Assert.Equal("silo-b", (await coordination.ReadNamespacedLeaseAsync("scaler-leader", "kube-system")).Spec.HolderIdentity);
    }

    [Fact]
    public async Task Events_are_recorded_through_both_event_apis()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var involved = new V1ObjectReference { Kind = "InferenceSet", Name = "phi", NamespaceProperty = "default", ApiVersion = "kaito.sh/v1beta1" };

        await harness.Client.CoreV1.CreateNamespacedEventAsync(
            new Corev1Event { Metadata = new V1ObjectMeta { GenerateName = "phi." }, InvolvedObject = involved, Reason = "ScaledUp", Type = "Normal", Message = "to 2" },
            "default");
        await harness.Client.EventsV1.CreateNamespacedEventAsync(
            new Eventsv1Event { Metadata = new V1ObjectMeta { Name = "phi.2" }, Regarding = involved, Reason = "ScaledDown", Type = "Normal", EventTime = DateTime.UtcNow, ReportingController = "oks", ReportingInstance = "oks-0", Action = "Scale" },
            "default");
        var core = await harness.Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=phi,reason=ScaledUp");
        var modern = await harness.Client.EventsV1.ListNamespacedEventAsync("default");

        Assert.Equal("to 2", Assert.Single(core.Items).Message);
        Assert.Equal("ScaledDown", Assert.Single(modern.Items).Reason);
    }

    [Fact]
    public async Task A_fresh_server_has_the_usual_namespaces_and_deleting_one_deletes_its_contents()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var core = harness.Client.CoreV1;

        var initial = await core.ListNamespaceAsync();
        await core.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "scratch" } });
        await core.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "cfg" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, "scratch");
        await core.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" }, StringData = new Dictionary<string, string> { ["k"] = "v" } }, "scratch");
        var scratch = await core.ReadNamespaceAsync("scratch");
        await core.DeleteNamespaceAsync("scratch");

        Assert.Equal(["default", "kube-node-lease", "kube-public", "kube-system"], initial.Items.Select(n => n.Metadata.Name));
        Assert.Equal("Active", scratch.Status.Phase);
        Assert.Equal("scratch", scratch.Metadata.Labels["kubernetes.io/metadata.name"]);
        Assert.Empty((await core.ListNamespacedConfigMapAsync("scratch")).Items);
        Assert.Empty((await core.ListNamespacedSecretAsync("scratch")).Items);
    }

    [Fact]
    public async Task Services_and_service_accounts_round_trip()
    {
        await using var harness = await ApiServerHarness.StartAsync();
        var core = harness.Client.CoreV1;

        await core.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "phi" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, "default");
        await core.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "scaler" } }, "default");

        Assert.Equal(80, (await core.ReadNamespacedServiceAsync("phi", "default")).Spec.Ports[0].Port);
        Assert.Equal("scaler", (await core.ReadNamespacedServiceAccountAsync("scaler", "default")).Metadata.Name);
    }
}
