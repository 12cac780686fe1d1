using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using VideoRec.Api;
using VideoRec.Core.Online;

namespace VideoRec.Functions;

/// <summary>GET /api/metrics: online metrics of served lists, per model version, arm, source and position.</summary>
public sealed class MetricsFunctions(OnlineMetricsHandler handler)
{
    [Function("Metrics")]
    public Task<IResult> Metrics([HttpTrigger(AuthorizationLevel.Function, "get", Route = "metrics")] HttpRequest request) =>
        MetricsEndpoints.GetMetrics(handler, request, request.HttpContext.RequestAborted);
}
