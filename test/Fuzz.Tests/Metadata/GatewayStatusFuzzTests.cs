using System.Reflection;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansKaitoScaler.Abstractions.Keda;
using OrleansKaitoScaler.Abstractions.Scaling;
using OrleansKaitoScaler.Fuzz.Tests.Harness;
using OrleansKaitoScaler.GrpcGateway;
using Xunit.Abstractions;

namespace OrleansKaitoScaler.Fuzz.Tests.Metadata;

/// <summary>
/// Property, one level up: the real <see cref="ExternalScalerService"/> methods, given garbage metadata, end with
/// OK or an <see cref="RpcException"/> of <c>InvalidArgument</c>, <c>Unavailable</c> or <c>FailedPrecondition</c>.
/// Any other exception would leave the method unhandled, which gRPC reports as <c>Unknown</c>, and <c>Internal</c> is
/// reserved for the scaler's own bugs. The grains answer with a timeout (<c>Unavailable</c>), so valid metadata gets
/// as far as the grain call and back without a cluster.
/// </summary>
public sealed class GatewayStatusFuzzTests(ITestOutputHelper output)
{
    private static readonly StatusCode[] s_allowed = [StatusCode.OK, StatusCode.InvalidArgument, StatusCode.Unavailable, StatusCode.FailedPrecondition];

    [Fact]
    public async Task Garbage_metadata_gets_OK_InvalidArgument_Unavailable_or_FailedPrecondition_from_every_method()
    {
        var service = new ExternalScalerService(
            TimingOutGrains.Create(),
            Options.Create(new ActivityStreamOptions()),
            new StoppedNeverLifetime(),
            TimeProvider.System,
            NullLogger<ExternalScalerService>.Instance);
        var statuses = new Dictionary<StatusCode, int>();
        var calls = 0;
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 1_000 * FuzzRun.Multiplier; i++)
        {
            var random = FuzzRun.RandomFor(i);
            var reference = new ScaledObjectRef { Name = "so", Namespace = "ns" };
            reference.ScalerMetadata.Add(MetadataGenerator.Generate(random));
            var metricName = random.Next(3) switch { 0 => "", 1 => "s0-vllm:num_requests_waiting", _ => "s" + new string('9', random.Next(30)) + "-" };
            foreach (var (method, call) in new (string, Func<Task>)[]
            {
                ("GetMetricSpec", () => service.GetMetricSpec(reference, null!)),
                ("GetMetrics", () => service.GetMetrics(new GetMetricsRequest { ScaledObjectRef = reference, MetricName = metricName }, null!)),
                ("IsActive", () => service.IsActive(reference, null!)),
            })
            {
                var status = await StatusOf(call);
                calls++;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                Assert.True(
                    s_allowed.Contains(status),
                    $"{method} answered {status} at iteration {i} of seed {FuzzRun.Seed}; metadata {FuzzRun.Show(reference.ScalerMetadata)}");
            }
        }

        FuzzRun.Report(output, "gateway calls with generated metadata", calls, stopwatch.Elapsed);
        output.WriteLine(string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
        Assert.True(statuses.GetValueOrDefault(StatusCode.Unavailable) > 0 && statuses.GetValueOrDefault(StatusCode.InvalidArgument) > 0);
    }

    private static async Task<StatusCode> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            return e.StatusCode;
        }
        catch (Exception e)
        {
            // What the gRPC server would do with an exception the service let through.
            Assert.Fail($"an unhandled {e.GetType().Name} would reach KEDA as Unknown: {e}");
            throw;
        }
    }

#pragma warning disable CA1852 // DispatchProxy derives the proxy type from these, so they cannot be sealed.

    /// <summary>A grain factory whose InferenceSet grains time out, as when the cluster is busy.</summary>
    private class TimingOutGrains : DispatchProxy
    {
        public static IGrainFactory Create() => DispatchProxy.Create<IGrainFactory, TimingOutGrains>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IGrainFactory.GetGrain) && targetMethod.ReturnType == typeof(IInferenceSetGrain)
                ? DispatchProxy.Create<IInferenceSetGrain, TimingOutGrain>()
                : throw new NotSupportedException($"the gateway was not expected to call {targetMethod}");
    }

    private class TimingOutGrain : DispatchProxy
    {
        private static readonly MethodInfo s_fromException = typeof(Task).GetMethods()
            .Single(m => m.Name == nameof(Task.FromException) && m.IsGenericMethodDefinition);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            var returnType = targetMethod!.ReturnType;
            var timeout = new TimeoutException("fake grain timed out");
            return returnType.IsGenericType
                ? s_fromException.MakeGenericMethod(returnType.GetGenericArguments()[0]).Invoke(null, [timeout])
                : Task.FromException(timeout);
        }
    }

#pragma warning restore CA1852

    private sealed class StoppedNeverLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
