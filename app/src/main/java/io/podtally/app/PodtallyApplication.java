package io.podtally.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the podtally service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class PodtallyApplication {

    public static void main(String[] args) {
        SpringApplication.run(PodtallyApplication.class, args);
    }
}
