package io.driftguard.fanout;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import io.driftguard.state.EndpointPinPolicy;
import java.net.URI;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Storage queue of per-subscription sweeps ({@value #NAME}, in the Functions storage account), which the host's
 * queue trigger reads. Messages are Base64-encoded, as the trigger expects by default; the queue is created on first
 * use, and every request is pinned to the account's queue endpoint.
 */
public final class SweepQueue {

  /** Keep in step with the queue trigger in the functions module. */
  public static final String NAME = "driftguard-sweeps";
  /** Where the Functions host moves a message after {@code extensions.queues.maxDequeueCount} failed deliveries. */
  public static final String POISON_NAME = NAME + "-poison";

  private final Supplier<QueueClient> build;
  private QueueClient queue;
  private boolean created;

  private SweepQueue(Supplier<QueueClient> build) {
    this.build = build;
  }

  /**
   * A connection string as is (Azurite, local runs); else the queue service URI with driftguard's own identity. The
   * client is built on the first message, by the timer: events, which never send one, do not load the queue SDK.
   */
  public static SweepQueue connect(Optional<String> connectionString, Optional<URI> queueServiceUri,
                                   TokenCredential credential, HttpClient httpClient, ExponentialBackoffOptions backoff) {
    return new SweepQueue(() -> {
      QueueClientBuilder builder = new QueueClientBuilder().queueName(NAME).messageEncoding(QueueMessageEncoding.BASE64)
          .retryOptions(new RetryOptions(backoff));
      if (httpClient != null) {
        builder.httpClient(httpClient);
      }
      if (connectionString.isPresent()) {
        builder.connectionString(connectionString.get());
      } else {
        builder.endpoint(queueServiceUri.orElseThrow().toString()).credential(credential);
      }
      // The endpoint as the builder resolved it (a connection string names it too): requests go there, nowhere else.
      builder.addPolicy(new EndpointPinPolicy(URI.create(builder.buildClient().getQueueUrl())));
      return builder.buildClient();
    });
  }

  public void send(SweepMessage message) {
    queue().sendMessage(message.toJson());
  }

  /** The queue, created on first use. */
  private synchronized QueueClient queue() {
    if (queue == null) {
      queue = build.get();
    }
    if (!created) {
      queue.createIfNotExists();
      created = true;
    }
    return queue;
  }
}
