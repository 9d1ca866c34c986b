using System;
using System.IO;
using Ultra.DockerModel.Settings;
using Xunit;

namespace Ultra.DockerModel.Tests.Settings
{
    public sealed class SettingsStoreTests : IDisposable
    {
        private readonly string _folder = Path.Combine(Path.GetTempPath(), "udm-settings-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_folder)) Directory.Delete(_folder, true);
        }

        [Fact]
        public void Providers_round_trip_without_any_key()
        {
            Environment.SetEnvironmentVariable("UDM_TEST_KEY", "sk-secret-value-123");
            var store = new SettingsStore(_folder);
            var settings = new ModuleSettings { CooldownSec = 5 };
            settings.Providers.Add(new LlmProvider { Name = "backup", Kind = LlmProviderKind.OpenAICompatible, Model = "m", Endpoint = "http://127.0.0.1:9/v1", ApiKeyEnvironmentVariable = "UDM_TEST_KEY" });
            store.Save(settings);
            var loaded = store.Load();
            Assert.Equal(5, loaded.CooldownSec);
            Assert.Equal("UDM_TEST_KEY", Assert.Single(loaded.Providers).ApiKeyEnvironmentVariable);
            string text = File.ReadAllText(store.FilePath);
            Assert.DoesNotContain("sk-secret-value-123", text);
            Assert.Contains("\"openAICompatible\"", text, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
        }

        [Fact]
        public void A_corrupt_file_is_a_clear_error_and_is_left_alone()
        {
            Directory.CreateDirectory(_folder);
            var store = new SettingsStore(_folder);
            File.WriteAllText(store.FilePath, "{ \"providers\": [ {\"name\": ");
            var e = Assert.Throws<SettingsCorruptException>(() => store.Load());
            Assert.Equal(ErrorKind.SettingsInvalid, e.Kind);
            Assert.Contains(store.FilePath, e.Message);
            Assert.Equal("{ \"providers\": [ {\"name\": ", File.ReadAllText(store.FilePath));
        }

        [Fact]
        public void No_file_means_defaults() => Assert.Empty(new SettingsStore(_folder).Load().Providers);

        [Fact]
        public void Invalid_providers_are_refused_before_writing()
        {
            var store = new SettingsStore(_folder);
            var settings = new ModuleSettings();
            settings.Providers.Add(new LlmProvider { Name = "x", Kind = LlmProviderKind.OpenAICompatible, Model = "m" });
            var e = Assert.Throws<DockerModelException>(() => store.Save(settings));
            Assert.Contains("Endpoint", e.Message);
            Assert.False(File.Exists(store.FilePath));
        }

        // Issue 10 item 18: replacing a corrupt file keeps it, beside the new one.
        [Fact]
        public void Replace_moves_a_corrupt_file_aside_byte_for_byte_then_writes_the_change()
        {
            Directory.CreateDirectory(_folder);
            var store = new SettingsStore(_folder);
            const string broken = "{ \"providers\": [ {\"name\": ";
            File.WriteAllText(store.FilePath, broken);
            Assert.IsType<SettingsCorruptException>(store.Corruption());
            string copy = store.CorruptCopyPath(new DateTime(2026, 7, 1, 12, 30, 45, 123, DateTimeKind.Utc));
            Assert.Equal(store.FilePath + ".corrupt-20260701T123045123Z", copy);

            var (saved, moved) = store.Replace(s => s.CooldownSec = 7, copy);
            Assert.True(moved);
            Assert.Equal(7, saved.CooldownSec);
            Assert.Equal(broken, File.ReadAllText(copy));
            Assert.Equal(7, store.Load().CooldownSec);
            Assert.Null(store.Corruption());
            // A valid file is changed in place, and nothing is moved.
            var (again, movedAgain) = store.Replace(s => s.AutoPull = true, copy + "-unused");
            Assert.False(movedAgain);
            Assert.Equal(7, again.CooldownSec);
            Assert.False(File.Exists(copy + "-unused"));
        }
    }
}