@echo off
rem Silver -> Gold trending tables. Usage: scripts\trending-to-gold.bat [pipeline options]
rem   --runner=DirectRunner (default) or --runner=SparkRunner [--sparkMaster=local[*]]
rem   --streaming=false for a one-shot recompute; default is streaming.
rem Environment: LAKEHOUSE_PATH, STORAGE_FORMAT, JAVA_OPTS. Builds with Maven on first use.
setlocal EnableDelayedExpansion
cd /d "%~dp0.."

set PROFILE=direct-runner
set MVN_PROFILE=
set SPARK=0
set HAS_MASTER=0
for %%A in (%*) do (
  set "ARG=%%~A"
  if /i "!ARG!"=="--runner=SparkRunner" set SPARK=1
  if /i "!ARG:~0,14!"=="--sparkMaster=" set HAS_MASTER=1
)
set EXTRA=
if "%SPARK%"=="1" (
  set PROFILE=spark-runner
  set MVN_PROFILE=-Pspark-runner
  if "%HAS_MASTER%"=="0" set "EXTRA=--sparkMaster=local[*]"
)

set CP_FILE=target\classpath-%PROFILE%.txt
if not exist "%CP_FILE%" (
  echo Building ^(%PROFILE%^)... 1>&2
  call mvn -q -B -DskipTests %MVN_PROFILE% compile dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=%CP_FILE%
  if errorlevel 1 exit /b 1
)
set /p CP=<"%CP_FILE%"

set ADD_OPENS=--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED

java %ADD_OPENS% %JAVA_OPTS% -cp "target\classes;%CP%" com.trending.gold.TrendingToGold %* %EXTRA%
exit /b %ERRORLEVEL%
