// The S3 client side of scripts/s3-start.sh, a Java 17 single-file program run on S3Proxy's own
// jars (S3Proxy 4 ships the AWS SDK for Java v2 for its aws-s3-sdk backend):
//
//   S3_CHECK_ACCESS_KEY=... S3_CHECK_SECRET_KEY=... \
//     java -cp '.local/s3/lib/*' scripts/s3/S3Ready.java <endpoint> <bucket> <timeout seconds>
//
// With the given credentials (environment, not the command line) it waits until the server answers
// an authenticated request, creates the bucket if it does not exist, and checks a write round
// trip in it: a conditional PUT (If-None-Match: *) of a probe object, a second one that must be
// refused with 412, a read, a delete. It also checks that a wrong secret is refused (403), so a
// server that lets anyone in is noticed. Exit 0 when all of this works; 1 with a message otherwise.

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

public class S3Ready {

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      fail("usage: S3Ready <endpoint> <bucket> <timeout seconds>");
    }
    URI endpoint = URI.create(args[0]);
    String bucket = args[1];
    long deadline = System.currentTimeMillis() + Long.parseLong(args[2]) * 1000;
    String accessKey = System.getenv("S3_CHECK_ACCESS_KEY");
    String secretKey = System.getenv("S3_CHECK_SECRET_KEY");
    if (accessKey == null || accessKey.isEmpty() || secretKey == null || secretKey.isEmpty()) {
      fail("S3_CHECK_ACCESS_KEY and S3_CHECK_SECRET_KEY must be set");
    }

    try (S3Client s3 = client(endpoint, accessKey, secretKey)) {
      // 1. The server answers an authenticated request (retried while it starts).
      boolean exists;
      while (true) {
        try {
          s3.headBucket(b -> b.bucket(bucket));
          exists = true;
          break;
        } catch (NoSuchBucketException e) {
          exists = false;
          break;
        } catch (S3Exception e) {
          if (e.statusCode() == 404) {
            exists = false;
            break;
          }
          if (e.statusCode() == 403) {
            fail("the server refuses the credentials (403): is another S3 server on " + endpoint
                + ", or was it started with other keys? " + e.getMessage());
          }
          retryOrFail(deadline, e);
        } catch (RuntimeException e) {
          retryOrFail(deadline, e);
        }
      }

      // 2. The bucket.
      if (!exists) {
        s3.createBucket(b -> b.bucket(bucket));
        System.out.println("[S3Ready] created bucket " + bucket);
      }

      // 3. A write round trip, with the put-if-absent a commit log relies on.
      String key = ".s3-start-probe/" + ProcessHandle.current().pid() + "-" + System.nanoTime();
      byte[] data = "probe".getBytes(StandardCharsets.UTF_8);
      s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"), RequestBody.fromBytes(data));
      try {
        s3.putObject(b -> b.bucket(bucket).key(key).ifNoneMatch("*"),
            RequestBody.fromBytes("again".getBytes(StandardCharsets.UTF_8)));
        fail("a second PUT with If-None-Match: * on an existing key was not refused");
      } catch (S3Exception e) {
        if (e.statusCode() != 412) {
          throw e;
        }
      }
      byte[] back = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
      if (!java.util.Arrays.equals(data, back)) {
        fail("read back " + back.length + " bytes, not the " + data.length + " written");
      }
      s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    // 4. A wrong secret is refused.
    try (S3Client wrong = client(endpoint, accessKey, secretKey + "x")) {
      wrong.headBucket(b -> b.bucket(bucket));
      fail("the server accepted a wrong secret key: authentication is off");
    } catch (S3Exception e) {
      if (e.statusCode() != 403) {
        fail("a wrong secret key got HTTP " + e.statusCode() + ", not 403");
      }
    }
  }

  private static S3Client client(URI endpoint, String accessKey, String secretKey) {
    return S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
        // Plain signed payloads, as older clients (Hadoop S3A's SDK v1) send them.
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .overrideConfiguration(c -> c
            .apiCallAttemptTimeout(Duration.ofSeconds(5))
            .apiCallTimeout(Duration.ofSeconds(10))
            .retryStrategy(software.amazon.awssdk.core.retry.RetryMode.STANDARD))
        .build();
  }

  private static void retryOrFail(long deadline, Exception e) throws InterruptedException {
    if (System.currentTimeMillis() > deadline) {
      fail("no answer from the S3 server in time: " + e);
    }
    Thread.sleep(300);
  }

  private static void fail(String message) {
    System.err.println("[S3Ready] " + message);
    System.exit(1);
  }
}
