@echo off
rem Kafka -> Silver on Windows: scripts\kafka-to-silver.bat [pipeline options]
rem Builds the classpath of the chosen runner with Maven, then runs the pipeline.
setlocal enabledelayedexpansion
set ROOT=%~dp0..
set PROFILE=direct-runner
echo %* | findstr /i "runner=SparkRunner" >nul && set PROFILE=spark-runner
pushd "%ROOT%"
call mvn -q -B -P%PROFILE% -DskipTests compile dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target\classpath-%PROFILE%.txt || exit /b 1
set /p CP=<target\classpath-%PROFILE%.txt
popd
if "%JAVA_OPTS%"=="" set JAVA_OPTS=-Xmx4g
java %JAVA_OPTS% --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED -cp "%ROOT%\target\classes;%CP:;=;%" com.trending.silver.KafkaToSilver %*
