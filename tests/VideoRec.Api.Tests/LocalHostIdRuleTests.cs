using System.Net;
using VideoRec.Api.Tests.Support;

namespace VideoRec.Api.Tests;

/// <summary>Ids that break the one id rule (EntityIds) get 400 naming the field, on both routes.</summary>
public sealed partial class LocalHostRecommendTests
{
    [Theory]
    [InlineData("/api/users/%201/recommendations", "userId", "userId must not start or end with whitespace.")]
    [InlineData("/api/users/a1%20/recommendations", "userId", "userId must not start or end with whitespace.")]
    [InlineData("/api/users/a%09b/recommendations", "userId", "userId must not contain control characters.")]
    [InlineData("/api/videos/%20v01/similar", "videoId", "videoId must not start or end with whitespace.")]
    public async Task Ids_breaking_the_id_rule_are_rejected_naming_the_field(string url, string field, string message)
    {
        var (response, body) = await GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Json.AssertValidationProblem(body, field, message);
    }
}
