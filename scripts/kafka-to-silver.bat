@echo off
rem Kafka -> Silver on Windows, as scripts/kafka-to-silver.sh: scripts\kafka-to-silver.bat [pipeline options]
rem   scripts\kafka-to-silver.bat --maxRecords=10000                        Direct runner, bounded
rem   scripts\kafka-to-silver.bat --runner=SparkRunner --availableNow=true  Spark local[*]
rem Environment: LAKEHOUSE_PATH (e.g. C:\data\lake), STORAGE_FORMAT, KAFKA_BOOTSTRAP_SERVERS,
rem KAFKA_STARTING_OFFSETS, KAFKA_GROUP_ID, MIN_RATING, MAX_RATING; JAVA_OPTS (default -Xmx4g and
rem -XX:+UseSerialGC on the Direct runner, -XX:+UseParallelGC on Spark and Flink).
rem
rem As scripts/lib/launch.sh does: builds with Maven, adds runners\<runner>\pipeline.options, and
rem starts java in the folder it is called from, so that a relative LAKEHOUSE_PATH is the same
rem folder as with the .sh scripts. Paths may hold spaces. The classpath (over 30,000 characters,
rem more than cmd.exe holds in a variable or a command line) reaches java in an argument file,
rem written with forward slashes: a backslash within quotes is an escape there.
setlocal DisableDelayedExpansion
set "MAIN=com.trending.silver.KafkaToSilver"
for %%I in ("%~dp0..") do set "ROOT=%%~fI"
rem Unquoted, so that the arguments keep the quoting they were typed with.
set ARGS_LINE= %*

rem The Direct runner's classpath, or the Spark (Flink) runner's for --runner=...Spark... (...Flink...)
set "PROFILE=direct-runner"
set "RUNNER_DIR=direct"
echo(%* | findstr /i /r /c:"--runner=[^ ]*spark" >nul && (
  set "PROFILE=spark-runner"
  set "RUNNER_DIR=spark"
)
echo(%* | findstr /i /r /c:"--runner=[^ ]*flink" >nul && (
  set "PROFILE=flink-runner"
  set "RUNNER_DIR=flink"
)

rem runners\<runner>\pipeline.options, each unless the command line gives it (quoted: java.exe
rem would take the * of local[*] for a file name pattern).
set "DEFAULTS="
setlocal EnableDelayedExpansion
for /f "usebackq eol=# tokens=1,* delims==" %%A in ("%ROOT%\runners\%RUNNER_DIR%\pipeline.options") do (
  if /i "!ARGS_LINE:%%A=!"=="!ARGS_LINE!" set "DEFAULTS=!DEFAULTS! "%%A=%%B""
)
endlocal & set "DEFAULTS=%DEFAULTS%"

set "CP_FILE=%ROOT%\target\classpath-%PROFILE%.txt"
set "ARGS_FILE=%ROOT%\target\java-%PROFILE%.args"
pushd "%ROOT%"
call mvn -q -B -P%PROFILE% -DskipTests compile dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target\classpath-%PROFILE%.txt -Dmdep.fileSeparator=/
set "BUILT=%ERRORLEVEL%"
popd
if not "%BUILT%"=="0" exit /b 1

rem -cp "<root>/target/classes;<Maven's classpath>" in a java argument file. A line ending in \
rem continues on the next one; the classpath file has no line end of its own.
set "ROOT_FWD=%ROOT:\=/%"
> "%ARGS_FILE%" echo -cp "%ROOT_FWD%/target/classes;\
>> "%ARGS_FILE%" type "%CP_FILE%"
>> "%ARGS_FILE%" echo "

rem The collector per runner, as scripts/lib/java-opens.sh (which says why): the serial one for
rem the Direct runner's one worker thread, the throughput one for Spark and Flink.
set "DEFAULT_GC=-XX:+UseParallelGC"
if "%PROFILE%"=="direct-runner" set "DEFAULT_GC=-XX:+UseSerialGC"
if not defined JAVA_OPTS set "JAVA_OPTS=-Xmx4g %DEFAULT_GC%"
java %JAVA_OPTS% --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED "@%ARGS_FILE%" %MAIN% %DEFAULTS% %*
exit /b %ERRORLEVEL%
