package dev.sluice.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.elasticsearch.common.logging.LogConfigurator;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.mapper.MapperExtrasPlugin;
import org.elasticsearch.node.InternalSettingsPreparer;
import org.elasticsearch.node.Node;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.reindex.ReindexPlugin;
import org.elasticsearch.transport.Netty4Plugin;

/**
 * Starts a single-node Elasticsearch 7.17 from the server jars on Maven Central (no distribution).
 *
 * The stock distribution loads HTTP/transport (Netty4) and other modules from its modules/ folder; here they are
 * passed as classpath plugins through the protected Node constructor. Bootstrap checks and the security manager
 * are not involved (they live in org.elasticsearch.bootstrap, which we bypass): this is a dev/test server only.
 *
 * Settings come from system properties prefixed with "es." (e.g. -Des.http.port=9200), like the old launcher.
 */
public final class SluiceEsLauncher {

    private static final List<Class<? extends Plugin>> PLUGINS =
        Arrays.asList(Netty4Plugin.class, ReindexPlugin.class, MapperExtrasPlugin.class);

    static final class EmbeddedNode extends Node {
        EmbeddedNode(Environment env, Collection<Class<? extends Plugin>> plugins) {
            super(env, plugins, true);
        }
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder builder = Settings.builder()
            .put("cluster.name", "sluice-dev")
            .put("node.name", "sluice-es")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", "9200")
            .put("transport.port", "9301")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("action.auto_create_index", true);
        // -Des.<key>=<value> overrides / adds settings
        System.getProperties().stringPropertyNames().stream()
            .filter(k -> k.startsWith("es."))
            .sorted()
            .forEach(k -> builder.put(k.substring(3), System.getProperty(k)));
        Settings settings = builder.build();

        for (String key : new String[] {"path.home", "path.data", "path.logs"}) {
            String value = settings.get(key);
            if (value == null) {
                System.err.println("SluiceEsLauncher: missing -Des." + key);
                System.exit(2);
            }
            Files.createDirectories(Path.of(value));
        }
        // Logging as the real bootstrap does it: log4j2.properties from <path.home>/config (written by scripts/stack),
        // with es.logs.base_path etc. set from the settings. Without a config file: console logging only.
        LogConfigurator.registerErrorListener();
        String nodeName = settings.get("node.name");
        Environment env = InternalSettingsPreparer.prepareEnvironment(
            settings, Collections.emptyMap(), null, () -> nodeName);
        LogConfigurator.setNodeName(nodeName);
        if (Files.exists(env.configFile().resolve("log4j2.properties"))) {
            LogConfigurator.configure(env);
        } else {
            LogConfigurator.configureWithoutConfig(env.settings());
        }

        Node node = new EmbeddedNode(env, PLUGINS);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
                node.awaitClose(20, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }, "sluice-es-shutdown"));

        try {
            node.start();
        } catch (Throwable t) {
            System.err.println("SluiceEsLauncher: node failed to start");
            t.printStackTrace();
            System.exit(1); // runs the shutdown hook, which closes the node
        }
        System.err.println("SluiceEsLauncher: node started, http on " + settings.get("network.host") + ":" + settings.get("http.port"));
        stopped.await();
    }
}
