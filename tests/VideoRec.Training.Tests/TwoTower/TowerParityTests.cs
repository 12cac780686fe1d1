using VideoRec.Core.Features;
using VideoRec.Core.Feedback;
using VideoRec.Core.Models.TwoTower;
using VideoRec.Import;
using VideoRec.Training.TwoTower;
using VideoRec.TwoTower.Features;
using VideoRec.TwoTower.Serving;
using static TorchSharp.torch;

namespace VideoRec.Training.Tests.TwoTower;

/// <summary>The exported ONNX towers compute what the TorchSharp towers compute, on real ML-100K inputs.</summary>
public sealed class TowerParityTests
{
    [Fact]
    public void Onnx_towers_match_torchsharp_to_1e5_on_a_batch_of_real_users_and_videos()
    {
        TorchRuntime.Initialize();
        var dataset = MovieLens.Load100K();
        var data = DatasetPairs.From(dataset);
        var table = data.Table;
        var train = table.Pairs.Where(p => p.User % 10 != 0).ToList();
        var spec = FeatureSpecBuilder.Build(dataset, table, train, "test-titles", 8);
        var encoder = new TwoTowerEncoder(spec);
        var random = new Random(42);
        var titles = table.Videos.Ids.ToDictionary(id => id, _ => Enumerable.Range(0, 8).Select(_ => random.NextSingle() - 0.5f).ToArray());
        var features = new DatasetFeatures(dataset, table, UserHistories.Build(train, table.Users.Count, RelevancePolicy.Default, data.DurationSeconds), titles);

        using var generator = new Generator(7);
        var dimensions = new TwoTowerDimensions { Hidden = [32, 16], Output = 16 };
        using var userTower = new TowerModule(TwoTowerLayouts.User(spec, dimensions), 0.5, generator);
        using var videoTower = new TowerModule(TwoTowerLayouts.Video(spec, dimensions), 0.5, generator);
        using var model = TwoTowerModel.FromWeights(spec, userTower.ToWeights(), videoTower.ToWeights());

        // 64 users: known ones with long histories, held-out ones (user % 10 == 0: out-of-vocabulary id, no history), and a new user.
        var users = Enumerable.Range(0, 63).Select(u => features.User(u * 7 % table.Users.Count)).Append(features.NewUser(0, [], null)).ToList();
        var videos = Enumerable.Range(0, 64).Select(v => features.Video(v * 13 % table.Videos.Count, dropId: v % 8 == 0)).ToList();
        Assert.Contains(users, u => spec.UserIds.RowOf(u.UserId) == Vocabulary.OutOfVocabulary);
        Assert.Contains(users, u => u.Watched.Count > 50 && u.Liked.Count > 0);

        using var _ = no_grad();
        var torchUsers = userTower.Forward(TowerModule.ToTensors(encoder.Users(users))).data<float>().ToArray();
        var torchVideos = videoTower.Forward(TowerModule.ToTensors(encoder.Videos(videos))).data<float>().ToArray();
        var onnxUsers = model.EmbedUsers(users);
        var onnxVideos = model.EmbedVideos(videos);

        Assert.Equal(64 * 16, onnxUsers.Length);
        Assert.True(torchUsers.Zip(onnxUsers).Max(p => Math.Abs(p.First - p.Second)) < 1e-5f);
        Assert.True(torchVideos.Zip(onnxVideos).Max(p => Math.Abs(p.First - p.Second)) < 1e-5f);
        Assert.All(Enumerable.Range(0, 64), i => Assert.Equal(1f, MathF.Sqrt(onnxUsers.AsSpan(i * 16, 16).ToArray().Sum(x => x * x)), 4));
    }

    [Fact]
    public void A_saved_model_reloads_and_refuses_another_spec_another_training_and_swapped_towers()
    {
        TorchRuntime.Initialize();
        var spec = new FeatureSpec
        {
            TextModel = "t", TextDimensions = 4, ReferenceTime = DateTimeOffset.UnixEpoch,
            UserIds = new Vocabulary(["u1"]), VideoIds = new Vocabulary(["v1", "v2"]), Genders = new Vocabulary(["F"]), Occupations = new Vocabulary([]),
            Languages = new Vocabulary([]), Countries = new Vocabulary([]), Cities = new Vocabulary([]), Devices = new Vocabulary([]), Tags = new Vocabulary(["a"]),
        };
        using var generator = new Generator(3);
        var dimensions = new TwoTowerDimensions { Hidden = [8], Output = 4 };
        using var user = new TowerModule(TwoTowerLayouts.User(spec, dimensions), 0.1, generator);
        using var video = new TowerModule(TwoTowerLayouts.Video(spec, dimensions), 0.1, generator);
        var folder = Directory.CreateTempSubdirectory("vrec-twotower-").FullName;
        try
        {
            TwoTowerModel.Save(folder, spec, user.ToWeights(), video.ToWeights());
            using (var loaded = TwoTowerModel.Load(folder))
            {
                Assert.Equal(4, loaded.Dimensions);
                Assert.Equal(spec.Fingerprint, loaded.Encoder.Spec.Fingerprint);
            }

            // The towers of another training (other weights, same spec) are refused, and so are swapped files.
            using var otherGenerator = new Generator(4);
            using var otherVideo = new TowerModule(TwoTowerLayouts.Video(spec, dimensions), 0.1, otherGenerator);
            var other = Directory.CreateTempSubdirectory("vrec-twotower-other-").FullName;
            TwoTowerModel.Save(other, spec, user.ToWeights(), otherVideo.ToWeights());
            var userTower = Path.Combine(folder, TwoTowerModel.UserTowerFile);
            var videoTower = Path.Combine(folder, TwoTowerModel.VideoTowerFile);
            var original = File.ReadAllBytes(videoTower);
            File.Copy(Path.Combine(other, TwoTowerModel.VideoTowerFile), videoTower, overwrite: true);
            Directory.Delete(other, recursive: true);
            var mixed = Assert.Throws<InvalidDataException>(() => TwoTowerModel.Load(folder));
            Assert.Contains("come from different trainings", mixed.Message, StringComparison.Ordinal);

            File.WriteAllBytes(userTower + ".tmp", original);
            File.Move(userTower, videoTower, overwrite: true);
            File.Move(userTower + ".tmp", userTower);
            var swapped = Assert.Throws<InvalidDataException>(() => TwoTowerModel.Load(folder));
            Assert.Equal($"{userTower} holds the video tower, not the user tower.", swapped.Message);

            TwoTowerModel.Save(folder, spec, user.ToWeights(), video.ToWeights());
            (spec with { HistoryLength = 7 }).Save(Path.Combine(folder, TwoTowerModel.SpecFile));
            var error = Assert.Throws<InvalidDataException>(() => TwoTowerModel.Load(folder));
            Assert.Contains("was exported with feature spec " + spec.Fingerprint, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
